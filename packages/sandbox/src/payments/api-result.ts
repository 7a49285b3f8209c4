import { newRequestId } from "../random-ids.js";

/** What every sandbox operation returns: an HTTP status and a JSON body (none for 401/404-style errors). */
export interface ApiResult {
  status: number;
  body?: unknown;
}

/** Checkout.com's error body: `{request_id, error_type, error_codes}`. */
export function apiError(status: number, codes: string[], errorType = "request_invalid"): ApiResult {
  return { status, body: { request_id: newRequestId(), error_type: errorType, error_codes: codes } };
}

export function notFound(): ApiResult {
  return { status: 404, body: { request_id: newRequestId(), error_type: "resource_not_found" } };
}

export function notAllowed(code: string): ApiResult {
  return {
    status: 403,
    body: { request_id: newRequestId(), error_type: "action_not_allowed", error_codes: [code] },
  };
}
