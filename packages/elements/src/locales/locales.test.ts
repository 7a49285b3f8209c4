import { DECLINE_MESSAGES, DECLINE_REASONS } from "@handoff/contracts";
import { describe, expect, it } from "vitest";
// English complete: the error screens bring their own texts.
import "../errors.js";
import { LANGUAGES } from "../languages.js";
import { en, FLOW_KEYS, type Strings } from "../strings.js";

const packs = LANGUAGES.filter((l) => l !== "en");
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each(packs)("the %s language pack", (code) => {
  it("has every widget string, each translated and keeping its placeholders", async () => {
    const pack = (await import(`./${code}.ts`)) as { strings: Strings };
    expect(Object.keys(pack.strings).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof Strings>) {
      expect(pack.strings[key], key).toMatch(/\S/);
      expect(placeholders(pack.strings[key]), key).toEqual(placeholders(en[key]));
    }
    // Not English left in place: most strings differ from ours.
    const same = (Object.keys(en) as Array<keyof Strings>).filter((k) => pack.strings[k] === en[k]);
    expect(same.length).toBeLessThan(3);
  });

  it("gives Flow's card fields their labels in the same language", async () => {
    const pack = (await import(`./${code}.ts`)) as { flow: Record<string, string> };
    expect(Object.keys(pack.flow).sort()).toEqual([...FLOW_KEYS].sort());
    for (const key of FLOW_KEYS) expect(pack.flow[key], key).toMatch(/\S/);
  });

  it("has every shopper-safe decline message the server answers in", () => {
    const messages = DECLINE_MESSAGES[code];
    expect(messages, `no decline messages for ${code}`).toBeDefined();
    for (const reason of DECLINE_REASONS) expect(messages?.[reason], reason).toMatch(/\S/);
    expect(new Set(Object.values(messages ?? {})).size).toBe(DECLINE_REASONS.length);
  });
});
