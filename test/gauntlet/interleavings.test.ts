import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { testEngine } from "../../packages/server/src/test-support/postgres.js";
import { runRace, snapshot } from "./support/checkout-race.js";
import { FULL, ledger, runs } from "./support/ledger.js";
import { eventsTold, moneyViolations } from "./support/money-invariants.js";
import { type Race, raceArbitrary } from "./support/race.js";
import { ScheduledShop } from "./support/scheduled-shop.js";
import { Stage } from "./support/scheduler.js";

/**
 * Proof by a scheduler, not by luck. One cart, and around it: confirms with different cards (and
 * the same token twice), a 3-D Secure passed, failed or abandoned, the checkout reopened (with the
 * cart changed or not), webhooks duplicated and in any order, Checkout.com's auto-capture, the sweep,
 * time passing, an operator's capture, void, refund or release. fast-check's seeded scheduler
 * decides when each of them starts, when each processor call leaves and when its answer arrives
 * (support/scheduler.ts). After every run, once everything has settled, the money invariants must
 * hold (support/money-invariants.ts): the shopper is charged once, for the amount the order shows.
 *
 * A failure prints its seed, path, race and schedule, and the command that replays it. HANDOFF_SEED
 * and HANDOFF_PATH pick the run, HANDOFF_RUNS how many runs a seed gets, HANDOFF_SHRINK=0 reports
 * the first failing run as found instead of shrinking it.
 */
const engine = testEngine();
const env = process.env;
// `pnpm test` runs a fixed seed, so a green suite stays green; `pnpm gauntlet` looks somewhere new each time.
const seed = env.HANDOFF_SEED
  ? Number(env.HANDOFF_SEED)
  : FULL
    ? Math.floor(Math.random() * 2 ** 31)
    : 20261204;
const numRuns = env.HANDOFF_RUNS ? Number(env.HANDOFF_RUNS) : runs(200, 3000);
const file = "test/gauntlet/interleavings.test.ts";

let shop: ScheduledShop;
beforeAll(async () => {
  shop = await ScheduledShop.start(engine);
}, 60_000);
afterAll(() => shop?.close());

interface Outcome {
  /** The points released, in order. */
  schedule: string[];
  /** The order, its attempts and its payments at the end, without ids. */
  end: string;
  /** What broke, with the race, the answers and the schedule; empty when every invariant held. */
  report: string[];
}

let made = 0;
async function raceOnce(race: Race, scheduler: fc.Scheduler): Promise<Outcome> {
  const stage = new Stage(scheduler);
  shop.begin(stage, race.duplicateWebhooks);
  const run = await runRace(shop, stage, race, ++made);
  const broken = [
    ...stage.errors,
    ...(run.settled ? [] : ["the order still changed after six rounds of settling"]),
    ...(await moneyViolations(shop, run.orderId, run.shelf)),
  ];
  const report =
    broken.length === 0
      ? []
      : [
          `money invariants broken (${engine}):`,
          ...broken.map((b) => `  ${b}`),
          `race: ${JSON.stringify(race)}`,
          "answers:",
          ...run.answers.map((a) => `  ${a}`),
          "events told:",
          ...(await eventsTold(shop, run.orderId)).map((e) => `  ${e}`),
          "schedule (released in this order):",
          ...stage.released.map((label, i) => `  ${i + 1}. ${label}`),
        ];
  return { schedule: stage.released, end: await snapshot(shop, run.orderId), report };
}

/** The first runs of the seed, twice: the same schedules and the same ends, or the suite proves nothing. */
async function sameTwice(): Promise<boolean> {
  const once = async () => {
    const outcomes: Array<Omit<Outcome, "report"> & { broken: boolean }> = [];
    await fc.check(
      fc.asyncProperty(raceArbitrary, fc.scheduler(), async (race, scheduler) => {
        const { schedule, end, report } = await raceOnce(race, scheduler);
        outcomes.push({ schedule, end, broken: report.length > 0 });
      }),
      { seed, numRuns: 3 },
    );
    return outcomes;
  };
  const first = await once();
  const second = await once();
  const same = JSON.stringify(second) === JSON.stringify(first) && first.length === 3;
  if (!same) console.error(`not deterministic:\n${JSON.stringify(first)}\n${JSON.stringify(second)}`);
  return same;
}

describe(`interleavings (${engine})`, () => {
  it("charges once, for the amount shown, whatever the schedule", async () => {
    const started = Date.now();
    const replays = await sameTwice();
    const details = await fc.check(
      fc.asyncProperty(raceArbitrary, fc.scheduler(), async (race, scheduler) => {
        const { report } = await raceOnce(race, scheduler);
        if (report.length > 0) throw new Error(report.join("\n"));
      }),
      {
        seed,
        numRuns,
        ...(env.HANDOFF_PATH ? { path: env.HANDOFF_PATH } : {}),
        ...(env.HANDOFF_SHRINK === "0" ? { endOnFailure: true } : {}),
      },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`interleavings on ${engine}: ${details.numRuns} runs of seed ${seed} in ${seconds} s`);
    const where = `seed ${details.seed}, path ${details.counterexamplePath}`;
    if (details.failed) {
      const error =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      const shrink = env.HANDOFF_SHRINK === "0" ? " HANDOFF_SHRINK=0" : "";
      const replay = `HANDOFF_SEED=${details.seed} HANDOFF_PATH=${details.counterexamplePath}${shrink} npx vitest run --project ${engine} ${file}`;
      console.error(`${error}\n${where}\nreplay: ${replay}`);
    }
    ledger(`interleavings-${engine}`, [
      {
        check: "same seed twice: same schedules, same ends",
        expected: "yes",
        actual: replays ? "yes" : "no",
      },
      { check: "runs", expected: env.HANDOFF_PATH ? details.numRuns : numRuns, actual: details.numRuns },
      {
        check: "first run whose money invariants broke",
        expected: "none",
        actual: details.failed ? where : "none",
      },
    ]);
  }, 900_000);
});
