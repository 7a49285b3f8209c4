import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { TAG, VERSION } from "../../packages/elements/src/version.js";

const read = async (path: string) =>
  JSON.parse(await readFile(new URL(`../../packages/elements/${path}`, import.meta.url), "utf8"));

describe("what @handoff/elements tells tools about itself", () => {
  it("reports the version package.json publishes (written at build)", async () => {
    expect(VERSION).toBe((await read("package.json")).version);
  });

  it("describes <handoff-checkout> in custom-elements.json: its attributes, events, parts and slot", async () => {
    const manifest = await read("custom-elements.json");
    const element = manifest.modules
      .flatMap((m: { declarations?: unknown[] }) => m.declarations ?? [])
      .find((d: { tagName?: string }) => d.tagName === TAG);
    const names = (list: Array<{ name: string }> = []) => list.map((x) => x.name).sort();
    expect(names(element.attributes)).toEqual([
      "cart-id",
      "cart-url",
      "checkout-flow",
      "checkout-mode",
      "confirm-timeout",
      "confirm-url",
      "locale",
      "session-url",
    ]);
    expect(names(element.events)).toEqual([
      "handoff-decline",
      "handoff-error",
      "handoff-ready",
      "handoff-requires-action",
      "handoff-success",
      "handoff-tokenized",
    ]);
    expect(names(element.cssParts)).toContain("pay-button");
    expect(names(element.slots)).toEqual(["card", "wallets"]);
  });
});
