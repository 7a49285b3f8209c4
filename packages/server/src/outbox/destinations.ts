import { readFile } from "node:fs/promises";
import type { DeclineCategory, HandoffEvent } from "@handoff/contracts";
import { z } from "zod";
import { secretKey } from "./sign.js";

/** Which events a destination takes beyond its type filter; every condition given must hold. */
export interface DestinationConditions {
  /** Only events in these currencies. */
  currency?: string[];
  /** Only events whose amount (minor units) is at least this. */
  amountAtLeast?: number;
  /** Only declines of these categories. */
  declineCategory?: DeclineCategory[];
}

export interface Destination {
  id: string;
  url: string;
  /** `whsec_…`; the first signs alone, or with the second while a rotation is under way. */
  secrets: string[];
  /** Exact types (`order.paid`), families (`order.*`, `dispute.*`, `checkout.*`) or `*`. */
  events: string[];
  when?: DestinationConditions | undefined;
  enabled: boolean;
  pausedReason?: string | undefined;
  /** Since when every delivery has failed (none delivered since). */
  failingSince?: string | undefined;
  source: "file" | "ops";
}

const secret = z.string().refine(
  (s) => {
    try {
      secretKey(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be whsec_ followed by 24 to 64 bytes in base64" },
);

/** Longer URLs are refused: no receiver needs more, and browsers and proxies stop near here. */
const MAX_DESTINATION_URL_LENGTH = 2048;

/**
 * What is wrong with a destination's URL, or undefined. Credentials are refused, not stored: they
 * would be shown to every operator and never sent (deliveries are signed instead).
 */
function destinationUrlProblem(url: string): string | undefined {
  if (url.length > MAX_DESTINATION_URL_LENGTH)
    return `must be at most ${MAX_DESTINATION_URL_LENGTH.toLocaleString("en")} characters`;
  if (!URL.canParse(url)) return "must be a URL";
  const parsed = new URL(url);
  // The parser lower-cases the scheme, so HTTP:// is http:.
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must be an http(s) URL";
  if (parsed.username || parsed.password)
    return (
      "must not contain a user name or password: destinations do not log in; each delivery is signed " +
      "with the destination's secret (webhook-signature header), which the receiver verifies"
    );
  return undefined;
}

/** What HANDOFF_DESTINATIONS and the ops API accept. */
export const destinationInputSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, - and _, at most 64"),
  url: z.string().superRefine((url, ctx) => {
    const problem = destinationUrlProblem(url);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  secret: z.union([secret, z.array(secret).min(1).max(2)]),
  events: z
    .array(
      z
        .string()
        .regex(
          /^(\*|[a-z]+\.\*|[a-z]+\.[a-z_]+)$/,
          'a type like "order.paid", a family like "order.*", or "*"',
        ),
    )
    .min(1),
  when: z
    .strictObject({
      currency: z
        .array(z.string().regex(/^[A-Z]{3}$/))
        .min(1)
        .optional(),
      amountAtLeast: z.number().int().min(0).optional(),
      declineCategory: z
        .array(z.enum(["soft", "hard", "insufficient_funds", "risk"]))
        .min(1)
        .optional(),
    })
    .optional(),
  enabled: z.boolean().optional(),
});
export type DestinationInput = z.input<typeof destinationInputSchema>;

export function toDestination(
  input: z.output<typeof destinationInputSchema>,
  source: Destination["source"],
): Destination {
  return {
    id: input.id,
    url: input.url,
    secrets: Array.isArray(input.secret) ? input.secret : [input.secret],
    events: input.events,
    when: input.when,
    enabled: input.enabled ?? true,
    source,
  };
}

export class DestinationsFileError extends Error {
  override name = "DestinationsFileError";
}

/** Reads the JSON array HANDOFF_DESTINATIONS names; an error names the entry and field at fault, never a secret. */
export async function loadDestinationsFile(path: string): Promise<Destination[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new DestinationsFileError(
      `cannot read ${path}: ${(error as Error).message.replace(/whsec_\S+/g, "whsec_…")}`,
    );
  }
  const parsed = z.array(destinationInputSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DestinationsFileError(`${path}: ${whereIn(json, issue?.path ?? [])}: ${issue?.message}`);
  }
  const ids = parsed.data.map((d) => d.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new DestinationsFileError(`${path}: destination id "${repeated}" appears twice`);
  return parsed.data.map((d) => toDestination(d, "file"));
}

/** `entry 1 ("erp"), url`: the entry at fault by position and, when it has one, by id. */
function whereIn(json: unknown, path: readonly PropertyKey[]): string {
  const [index, ...field] = path;
  if (typeof index !== "number") return "(root)";
  const entry = Array.isArray(json) ? (json[index] as unknown) : undefined;
  const id = entry && typeof entry === "object" ? (entry as { id?: unknown }).id : undefined;
  // An id the schema refused may be anything; it is named only when it is a valid one.
  const named = typeof id === "string" && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(id) ? ` ("${id}")` : "";
  return `entry ${index}${named}${field.length ? `, ${field.join(".")}` : ""}`;
}

function typeMatches(filters: string[], type: string): boolean {
  return filters.some(
    (f) => f === "*" || f === type || (f.endsWith(".*") && type.startsWith(f.slice(0, -1))),
  );
}

/** Whether `event` goes to `destination`: its type filter, then each condition it sets. */
export function wants(destination: Destination, event: Pick<HandoffEvent, "type" | "data">): boolean {
  if (!typeMatches(destination.events, event.type)) return false;
  const when = destination.when;
  if (!when) return true;
  const data = event.data as { currency?: unknown; amount?: unknown; decline?: { category?: unknown } };
  if (when.currency && !when.currency.includes(String(data.currency))) return false;
  if (
    when.amountAtLeast !== undefined &&
    !(typeof data.amount === "number" && data.amount >= when.amountAtLeast)
  )
    return false;
  if (when.declineCategory && !when.declineCategory.includes(data.decline?.category as DeclineCategory))
    return false;
  return true;
}
