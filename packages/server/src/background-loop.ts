import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "./deps.js";

/** How an instance names itself on the work it claims: host, process and a random tail. */
export function instanceName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export interface LoopOptions {
  /** How often it looks when nothing wakes it. */
  pollMs: number;
  /** First pause when the store itself fails (disk full, held lock); doubles up to `maxStorePauseMs`. */
  storePauseMs: number;
  maxStorePauseMs: number;
  /** Names the worker in its log lines. */
  name: string;
  logger: Logger;
}

/**
 * Runs a worker's pass when woken, and every `pollMs` otherwise; one pass at a time. When the store
 * fails, the pass ends and the loop rests with a doubling pause instead of spinning, saying so once
 * per pause; a wake (new work was just stored, so the store writes again) ends the rest early.
 */
export class BackgroundLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private storePause = 0;
  /** True from `stop()` until the pass in hand has finished: passes check it between items. */
  stopping = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly options: LoopOptions,
  ) {}

  /** Starts the loop: its first pass now, or after `firstPassAfterMs` (a sweep need not run at boot). */
  start(firstPassAfterMs = 0): void {
    this.stopped = false;
    if (firstPassAfterMs <= 0) {
      this.wake();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, firstPassAfterMs);
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.pass()
      .then(
        () => this.recovered(),
        (error: unknown) => this.failed(error),
      )
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const now = this.again && this.storePause === 0;
        this.again = false;
        if (now) this.wake();
        else
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.wake();
          }, this.storePause || this.options.pollMs);
      });
  }

  private failed(error: unknown): void {
    const first = this.storePause === 0;
    this.storePause = first
      ? this.options.storePauseMs
      : Math.min(this.options.maxStorePauseMs, this.storePause * 2);
    const err = error instanceof Error ? error.message : String(error);
    if (first)
      this.options.logger.error(
        { err, pauseMs: this.storePause },
        `${this.options.name} paused: store unavailable`,
      );
  }

  private recovered(): void {
    if (this.storePause === 0) return;
    this.storePause = 0;
    this.options.logger.info({}, `${this.options.name} resumed: store available again`);
  }

  /** Stops polling and waits for the pass in hand (which sees `stopping`). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.stopping = false;
  }

  /** A pass now, after the one under way; counted as running, so a wake meanwhile waits instead of racing it. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    const pass = this.pass();
    const running = pass.then(
      () => undefined,
      () => undefined,
    );
    this.running = running;
    try {
      await pass;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }
}
