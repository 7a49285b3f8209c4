/**
 * When a failed delivery is tried again, after the first attempt (made at once). Svix's schedule:
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about 27 hours; then the delivery
 * is dead-lettered, to be replayed by an operator.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** The wait before attempt `attempts + 1`, with ±20 % jitter so a recovering receiver is not stampeded; undefined: give up. */
export function retryDelay(
  attempts: number,
  schedule: readonly number[] = RETRY_SCHEDULE_MS,
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (0.8 + 0.4 * random()));
}
