import { describe, expect, it } from "vitest";
import { KeyedLock } from "./order-lock.js";

describe("KeyedLock", () => {
  it("runs work for one key one at a time, in arrival order, and other keys freely", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name}:end`);
    };
    await Promise.all([
      lock.run("a", step("a1", 20)),
      lock.run("a", step("a2", 1)),
      lock.run("b", step("b1", 5)),
    ]);
    expect(log.indexOf("a2:start")).toBeGreaterThan(log.indexOf("a1:end"));
    expect(log.indexOf("b1:end")).toBeLessThan(log.indexOf("a1:end"));
  });

  it("keeps going after a failure", async () => {
    const lock = new KeyedLock();
    await expect(lock.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(lock.run("a", async () => 7)).resolves.toBe(7);
  });
});
