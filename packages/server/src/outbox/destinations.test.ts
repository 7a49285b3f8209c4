import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DestinationsFileError, destinationInputSchema, loadDestinationsFile } from "./destinations.js";
import { newDestinationSecret } from "./sign.js";

/** What a destination's URL may be, from the ops API (the schema) and from HANDOFF_DESTINATIONS. */
const input = (url: string) => ({ id: "erp", url, secret: newDestinationSecret(), events: ["order.*"] });

/** The schema's first complaint about `url`, or undefined when it takes the URL. */
function urlRefusal(url: string): string | undefined {
  const parsed = destinationInputSchema.safeParse(input(url));
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `${issue?.path.join(".")}: ${issue?.message}`;
}

describe("a destination's URL", () => {
  it("is refused with a user name or password in it, saying that deliveries are signed instead", () => {
    for (const url of [
      "http://alice:S3cretPass@127.0.0.1:3290/cred",
      "https://alice@hooks.example.com/x",
      "https://:S3cretPass@hooks.example.com/x",
    ]) {
      const why = urlRefusal(url);
      expect(why, url).toMatch(/^url: .*user name or password/);
      expect(why).toMatch(/sign/);
      expect(why).not.toContain("S3cretPass");
    }
  });

  it("is at most 2,048 characters", () => {
    const base = "https://hooks.example.com/";
    expect(urlRefusal(base + "x".repeat(2048 - base.length))).toBeUndefined();
    expect(urlRefusal(base + "x".repeat(15_000))).toBe("url: must be at most 2,048 characters");
  });

  it("takes http and https in any case, and no other scheme", () => {
    expect(urlRefusal("HTTP://example.com/x")).toBeUndefined();
    expect(urlRefusal("Https://example.com/x")).toBeUndefined();
    for (const url of ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "not a url"])
      expect(urlRefusal(url), url).toMatch(/^url: /);
  });
});

describe("HANDOFF_DESTINATIONS", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "handoff-destinations-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const fileOf = async (entries: unknown[]) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(entries));
    return path;
  };

  it("stops start-up at a URL with credentials, naming the destination and never the password", async () => {
    const path = await fileOf([
      input("https://hooks.example.com/ok"),
      { ...input("http://alice:S3cretPass@127.0.0.1:3290/cred"), id: "cred" },
    ]);
    const loading = loadDestinationsFile(path);
    await expect(loading).rejects.toBeInstanceOf(DestinationsFileError);
    const message = await loading.catch((error: Error) => error.message);
    expect(message).toContain('"cred"');
    expect(message).toMatch(/url: .*user name or password/);
    expect(message).not.toContain("S3cretPass");
  });

  it("loads a file whose URLs are plain", async () => {
    const loaded = await loadDestinationsFile(await fileOf([input("HTTPS://hooks.example.com/ok")]));
    expect(loaded.map((d) => [d.id, d.url])).toEqual([["erp", "HTTPS://hooks.example.com/ok"]]);
  });
});
