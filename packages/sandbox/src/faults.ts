/** A scripted fault for the next `count` requests to a route: an error status, a slow answer, or a dropped connection. */
export interface Fault {
  route: FaultRoute;
  status?: number;
  delayMs?: number;
  /** Process the request, then hang up without answering (a timeout after the charge). */
  drop?: boolean;
  /** How many requests it affects. Default 1. */
  count?: number;
}

export const FAULT_ROUTES = [
  "tokens",
  "payment-sessions",
  "payments",
  "get-payment",
  "captures",
  "refunds",
  "voids",
] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];
