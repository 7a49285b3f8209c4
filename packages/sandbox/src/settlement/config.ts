import { z } from "zod";
import type { SettlementFaults } from "./model.js";

const decimal = z.string().regex(/^-?\d+(\.\d{1,8})?$/, "a decimal with at most 8 places");
const minor = z.number().int().nonnegative();

/** `PUT /_sandbox/settlement` and `--settlement-faults`: what a test or a person may change. */
export const settlementConfigSchema = z
  .object({
    fees: z
      .object({
        gatewayFixed: minor,
        schemeFixed: minor,
        schemeVariablePercent: decimal,
        interchangePercent: decimal,
        refundFixed: minor,
        chargebackFixed: minor,
      })
      .partial()
      .strict()
      .optional(),
    faults: z
      .object({
        lateInterchange: z.boolean(),
        chargeback: z.boolean(),
        adjustment: decimal,
        holding: z.object({ currency: z.string().regex(/^[A-Z]{3}$/), rate: decimal }).strict(),
        splitReports: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
    dayMs: z.number().positive().optional(),
  })
  .strict();

export function dropUndefined(
  faults: z.infer<typeof settlementConfigSchema>["faults"] & object,
): SettlementFaults {
  return Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)) as SettlementFaults;
}

/**
 * `late-interchange,chargeback,adjustment=-1.50,holding=EUR:1.17,split-reports` → faults. Throws a
 * `RangeError` naming what it did not understand.
 */
export function parseSettlementFaults(spec: string): SettlementFaults {
  const faults: SettlementFaults = {};
  for (const part of spec
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split("=", 2) as [string, string | undefined];
    if (name === "late-interchange" && value === undefined) faults.lateInterchange = true;
    else if (name === "chargeback" && value === undefined) faults.chargeback = true;
    else if (name === "split-reports" && value === undefined) faults.splitReports = true;
    else if (name === "adjustment") {
      const amount = value ?? "-1.50";
      if (!decimal.safeParse(amount).success) throw new RangeError(`adjustment "${amount}" is not a decimal`);
      faults.adjustment = amount;
    } else if (name === "holding") {
      const match = /^([A-Z]{3}):(\d+(?:\.\d{1,8})?)$/.exec(value ?? "");
      if (!match?.[1] || !match[2])
        throw new RangeError(`holding wants CURRENCY:RATE such as EUR:1.17, got "${value ?? ""}"`);
      faults.holding = { currency: match[1], rate: match[2] };
    } else throw new RangeError(`unknown settlement fault "${part}"`);
  }
  return faults;
}
