import { z } from "zod";

/**
 * Checkout.com's settlement answers, as far as Handoff reads them: `GET /financial-actions`,
 * `GET /reports`, `GET /reports/{id}`, `GET /balances/{entity}`. Loose objects: fields Handoff
 * does not read may come and go. Amounts stay as sent (numbers or decimal strings); settlement
 * reads them exactly (settlement/decimal.ts).
 */
const amount = z.union([z.number(), z.string()]).optional();

const breakdownSchema = z.looseObject({
  breakdown_type: z.string(),
  fee_detail: z.string().optional(),
  processing_currency: z.string().optional(),
  processing_currency_amount: amount,
  transaction_currency: z.string().optional(),
  transaction_currency_amount: amount,
  holding_currency: z.string().optional(),
  holding_currency_amount: amount,
});

export const financialActionSchema = z.looseObject({
  payment_id: z.string().optional(),
  action_id: z.string(),
  action_type: z.string(),
  reference: z.string().optional(),
  processed_on: z.string().optional(),
  breakdown: z.array(breakdownSchema).optional(),
});

const linksSchema = z.looseObject({ next: z.looseObject({ href: z.string() }).optional() }).optional();

export const financialActionsPageSchema = z.looseObject({
  count: z.number().optional(),
  limit: z.number().optional(),
  data: z.array(financialActionSchema).default([]),
  _links: linksSchema,
});

export const reportSchema = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  created_on: z.string().optional(),
  account: z.looseObject({ entity_id: z.string().optional() }).optional(),
  tags: z.array(z.string()).optional(),
  files: z
    .array(z.looseObject({ id: z.string(), filename: z.string().optional(), format: z.string().optional() }))
    .default([]),
});

export const reportsPageSchema = z.looseObject({
  data: z.array(reportSchema).default([]),
  _links: linksSchema,
});

const money = z.union([z.number(), z.string()]).transform(String);

export const balancesSchema = z.looseObject({
  data: z
    .array(
      z.looseObject({
        descriptor: z.string().optional(),
        holding_currency: z.string(),
        balances: z.looseObject({
          pending: money.default("0"),
          available: money.default("0"),
          payable: money.default("0"),
          collateral: money.default("0"),
        }),
      }),
    )
    .default([]),
});

/** The `pagination_token` of a `_links.next.href`, if there is a next page. */
export function nextToken(links: { next?: { href: string } | undefined } | undefined): string | undefined {
  const href = links?.next?.href;
  if (!href) return undefined;
  try {
    return new URL(href, "https://api.checkout.com").searchParams.get("pagination_token") ?? undefined;
  } catch {
    return undefined;
  }
}

/** The payout a report covers, from its `payout_id:…` tag. */
export function payoutOfTags(tags: readonly string[] | undefined): string | undefined {
  const tag = tags?.find((t) => t.startsWith("payout_id:"));
  return tag ? tag.slice("payout_id:".length) : undefined;
}
