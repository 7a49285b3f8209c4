import type { Random } from "../random.js";

/**
 * Delivery chaos for tests: every decision is drawn from one seeded PRNG in emit order, so a
 * seed replays the same duplicates, reorders, delays and failed first attempts.
 */
export interface ChaosConfig {
  /** Probability an event is delivered twice. */
  duplicate: number;
  /** Probability an event is held back and delivered after the next one. */
  reorder: number;
  /** Extra delay before the first attempt, uniform in [min, max] ms. */
  delay: readonly [number, number];
  /** Probability the first attempt to each URL is treated as failed (not sent), forcing a retry. */
  failFirst: number;
}

export interface ChaosPlan {
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
  failFirst: boolean;
}

export const NO_CHAOS: ChaosConfig = { duplicate: 0, reorder: 0, delay: [0, 0], failFirst: 0 };

export function planChaos(config: ChaosConfig, random: Random): ChaosPlan {
  // Always four draws, whatever the config, so changing one knob does not reshuffle the others.
  const [d, r, l, f] = [random(), random(), random(), random()];
  const [min, max] = config.delay;
  return {
    duplicate: d < config.duplicate,
    reorder: r < config.reorder,
    delayMs: max > 0 ? Math.round(min + l * (max - min)) : 0,
    failFirst: f < config.failFirst,
  };
}

export class ChaosSpecError extends Error {
  override name = "ChaosSpecError";
}

/** Parses `duplicate=0.2,reorder=0.3,delay=0-2000,fail-first=0.1` (the CLI's `--chaos`). */
export function parseChaos(spec: string): ChaosConfig {
  const config: { -readonly [K in keyof ChaosConfig]: ChaosConfig[K] } = { ...NO_CHAOS };
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value = ""] = part.split("=");
    const probability = () => {
      const p = Number(value);
      if (!(p >= 0 && p <= 1))
        throw new ChaosSpecError(`${key} must be a probability from 0 to 1, got "${value}"`);
      return p;
    };
    if (key === "duplicate") config.duplicate = probability();
    else if (key === "reorder") config.reorder = probability();
    else if (key === "fail-first" || key === "failFirst") config.failFirst = probability();
    else if (key === "delay") {
      const match = /^(\d+)(?:-(\d+))?$/.exec(value);
      if (!match) throw new ChaosSpecError(`delay must be MS or MIN-MAX in milliseconds, got "${value}"`);
      const min = Number(match[1]);
      const max = Number(match[2] ?? match[1]);
      if (max < min) throw new ChaosSpecError(`delay range ${value} runs backwards`);
      config.delay = [min, max];
    } else
      throw new ChaosSpecError(`unknown chaos option "${key}" (use duplicate, reorder, delay, fail-first)`);
  }
  return config;
}
