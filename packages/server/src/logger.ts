/**
 * The slice of pino Handoff logs through. pino (and most structured loggers) fit as they are; tests
 * pass `pino({ level: "silent" })`. A plain `{ info, warn, error }` object (the console) fits too:
 * `debug` and `child` are optional to implement, and `toLogger` fills them in.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** Detail worth having while investigating, off by default in pino; a logger without it skips these lines. */
  debug?(obj: object, msg?: string): void;
  /** A logger that adds `bindings` to every line (pino's `child`). */
  child?(bindings: Record<string, unknown>): Logger;
}

/** A logger with every level and `child`: what `toLogger` returns. */
export interface FullLogger extends Logger {
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): FullLogger;
}

/**
 * Fills in what a given logger lacks: `debug` is dropped when it has none, `child` merges its
 * bindings into each line when it has none. A logger that has both (pino) is returned as it is.
 */
export function toLogger(given: Logger): FullLogger {
  if (typeof given.debug === "function" && typeof given.child === "function") return given as FullLogger;
  return withBindings(given, undefined);
}

function withBindings(given: Logger, bindings: Record<string, unknown> | undefined): FullLogger {
  const line = (obj: object): object => (bindings ? { ...bindings, ...obj } : obj);
  return {
    info: (obj, msg) => given.info(line(obj), msg),
    warn: (obj, msg) => given.warn(line(obj), msg),
    error: (obj, msg) => given.error(line(obj), msg),
    debug: (obj, msg) => given.debug?.(line(obj), msg),
    child: (more) =>
      // Its own child, when it has one, keeps its own way of binding (pino serialises them once).
      typeof given.child === "function" && bindings === undefined
        ? toLogger(given.child(more))
        : withBindings(given, { ...bindings, ...more }),
  };
}
