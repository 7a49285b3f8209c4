import { describe, expect, it } from "vitest";
import { Latest } from "./latest.js";

describe("Latest", () => {
  it("drops the answers of a run that a newer one replaced, and keeps the newer one's", async () => {
    const latest = new Latest();
    const seen: string[] = [];
    let answerOld: (v: string) => void = () => {};
    const old = latest.begin();
    void old(new Promise<string>((r) => (answerOld = r))).then((v) => seen.push(v));
    const current = latest.begin();
    const done = current(Promise.resolve("new")).then((v) => seen.push(v));
    answerOld("old");
    await done;
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(["new"]);
  });

  it("drops everything after cancel(), failures included", async () => {
    const latest = new Latest();
    const guard = latest.begin();
    const seen: string[] = [];
    latest.cancel();
    void guard(Promise.reject(new Error("late"))).catch(() => seen.push("error"));
    void guard(Promise.resolve("late")).then(() => seen.push("value"));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([]);
  });
});
