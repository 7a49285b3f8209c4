import { AsyncLocalStorage } from "node:async_hooks";
import type { Scheduler } from "fast-check";

/**
 * Which actor of which stage is running. One for all stages: Node copies every live
 * AsyncLocalStorage onto each new async resource, so one per run would slow every run after it.
 */
const running = new AsyncLocalStorage<{ stage: Stage; name: string }>();

/**
 * A deterministic stage for actors doing real I/O (SQL, HTTP to the sandbox) under fast-check's
 * scheduler. Each actor runs in its own async context and stops at scheduled points: its start, and
 * each processor call's request and answer. The stage releases one point at a time, and only once
 * every live actor is parked at a point or finished ("quiet"). So exactly one actor runs between two
 * releases, the set of pending points is the same whatever the I/O timing, and fast-check's seeded
 * choice among them is the whole schedule: the same seed gives the same run.
 */
export class Stage {
  /** The labels released, in order: the schedule a failure prints. */
  readonly released: string[] = [];
  /** What actors threw: a use case that throws is a finding too. */
  readonly errors: string[] = [];
  private readonly actors = new Map<string, { parkedAt: string | undefined }>();
  private readonly named = new Map<string, number>();
  private waiters: Array<() => void> = [];

  constructor(
    private readonly scheduler: Scheduler,
    /** Only a hang trips this (an actor waiting on something no release will bring): a test failure, not a timing. */
    private readonly stuckAfterMs = 30_000,
  ) {}

  /** The actor whose code is running, if any (setup and the final checks run outside any actor). */
  current(): string | undefined {
    const store = running.getStore();
    return store?.stage === this ? store.name : undefined;
  }

  /**
   * Starts `work` as an actor, parked at its start until the scheduler lets it go. Names are made
   * unique in the order actors are spawned, which is itself deterministic.
   */
  spawn(name: string, work: () => Promise<unknown>): void {
    const n = (this.named.get(name) ?? 0) + 1;
    this.named.set(name, n);
    const unique = n === 1 ? name : `${name}#${n}`;
    this.actors.set(unique, { parkedAt: undefined });
    void running.run({ stage: this, name: unique }, async () => {
      try {
        await this.point("start");
        await work();
      } catch (error) {
        this.errors.push(
          `${unique} threw: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
        );
      } finally {
        this.actors.delete(unique);
        this.wakeIfQuiet();
      }
    });
  }

  /** Parks the calling actor until the scheduler releases `what`; outside an actor it does nothing. */
  async point(what: string): Promise<void> {
    const name = this.current();
    const actor = name === undefined ? undefined : this.actors.get(name);
    if (!actor) return;
    if (actor.parkedAt) {
      throw new Error(`${name} reached "${what}" while parked at "${actor.parkedAt}": one step at a time`);
    }
    const label = `${name} ${what}`;
    actor.parkedAt = label;
    this.wakeIfQuiet();
    await this.scheduler.schedule(Promise.resolve(), label, undefined, async (release) => {
      // Synchronously running again, so the stage waits for this actor before the next release.
      actor.parkedAt = undefined;
      this.released.push(label);
      await release();
    });
  }

  /** Whether any actor is parked inside a processor call (its points are named `→ call` and `← call`). */
  midCall(): boolean {
    return [...this.actors.values()].some((a) => a.parkedAt?.includes(" → ") || a.parkedAt?.includes(" ← "));
  }

  /** Releases points, one per quiet moment, until every actor (and every actor they spawned) has finished. */
  async run(): Promise<void> {
    for (;;) {
      await this.quiet();
      if (this.actors.size === 0) return;
      await this.scheduler.waitNext(1);
    }
  }

  private isQuiet(): boolean {
    for (const actor of this.actors.values()) if (!actor.parkedAt) return false;
    return true;
  }

  private wakeIfQuiet(): void {
    if (!this.isQuiet()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private quiet(): Promise<void> {
    if (this.isQuiet()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const busy = [...this.actors].filter(([, a]) => !a.parkedAt).map(([name]) => name);
        reject(
          new Error(`stuck: ${busy.join(", ")} neither parked nor finished after ${this.stuckAfterMs} ms`),
        );
      }, this.stuckAfterMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
