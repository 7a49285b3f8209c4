import { describe, expect, it } from "vitest";
import { seededRandom } from "../random.js";
import { ChaosSpecError, NO_CHAOS, parseChaos, planChaos } from "./chaos.js";

describe("chaos", () => {
  it("parses the CLI spec", () => {
    expect(parseChaos("duplicate=0.2,reorder=0.3,delay=0-2000,fail-first=0.1")).toEqual({
      duplicate: 0.2,
      reorder: 0.3,
      delay: [0, 2000],
      failFirst: 0.1,
    });
    expect(parseChaos("delay=50").delay).toEqual([50, 50]);
    expect(parseChaos("")).toEqual(NO_CHAOS);
  });

  it("says exactly what is wrong with a bad spec", () => {
    expect(() => parseChaos("duplicate=2")).toThrow(
      new ChaosSpecError('duplicate must be a probability from 0 to 1, got "2"'),
    );
    expect(() => parseChaos("delay=9-1")).toThrow(/runs backwards/);
    expect(() => parseChaos("explode=1")).toThrow(/unknown chaos option "explode"/);
  });

  it("plans nothing without chaos, and the same plans for the same seed", () => {
    const calm = planChaos(NO_CHAOS, seededRandom(1));
    expect(calm).toEqual({ duplicate: false, reorder: false, delayMs: 0, failFirst: false });
    const config = parseChaos("duplicate=0.5,reorder=0.5,delay=0-100,fail-first=0.5");
    const a = seededRandom(9);
    const b = seededRandom(9);
    for (let i = 0; i < 50; i++) expect(planChaos(config, a)).toEqual(planChaos(config, b));
  });
});
