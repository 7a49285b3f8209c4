import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { type FullLogger, type Logger, toLogger } from "./logger.js";

function plain() {
  const lines: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger: Logger = { info: at("info"), warn: at("warn"), error: at("error") };
  return { lines, logger };
}

describe("toLogger", () => {
  it("returns pino as it is: it has debug and child", () => {
    const logger = pino({ level: "silent" });
    const full: FullLogger = logger;
    expect(toLogger(logger)).toBe(logger);
    expect(full.child({ orderId: "ord_1" }).debug).toBeTypeOf("function");
  });

  it("gives a plain { info, warn, error } a dropped debug and a child that binds", () => {
    const { lines, logger } = plain();
    const full = toLogger(logger);
    full.debug({ detail: 1 }, "not shown");
    const child = full.child({ orderId: "ord_1" }).child({ attemptId: "att_1" });
    child.info({ step: "charge" }, "charging");
    child.error({ orderId: "ord_2" }, "own keys win");
    expect(lines).toEqual([
      { level: "info", obj: { orderId: "ord_1", attemptId: "att_1", step: "charge" }, msg: "charging" },
      { level: "error", obj: { orderId: "ord_2", attemptId: "att_1" }, msg: "own keys win" },
    ]);
  });

  it("keeps a given debug, and a given child's own binding", () => {
    const written: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    const base = pino({ level: "debug", base: null, timestamp: false }, stream);
    // Only info/warn/error/debug/child handed over, as a merchant's wrapper might.
    const full = toLogger({
      info: (o, m) => base.info(o, m),
      warn: (o, m) => base.warn(o, m),
      error: (o, m) => base.error(o, m),
      debug: (o, m) => base.debug(o, m),
      child: (b) => base.child(b),
    });
    full.child({ orderId: "ord_1" }).debug({ n: 1 }, "bound");
    expect(written.map((l) => JSON.parse(l))).toEqual([{ level: 20, orderId: "ord_1", n: 1, msg: "bound" }]);
  });
});
