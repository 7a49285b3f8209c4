import type { Sandbox } from "../server.js";

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the sandbox answered
  body: any;
  headers: Headers;
}

/** Raw HTTP against the sandbox, so tests see exactly what a client on the wire sees. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { body?: unknown; auth?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const auth = options.auth === undefined ? `Bearer ${sandbox.keys.secretKey}` : options.auth;
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(auth ? { authorization: auth } : {}),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export async function tokenFor(sandbox: Sandbox, number = "4242424242424242"): Promise<string> {
  const answer = await call(sandbox, "POST", "/tokens", {
    auth: `Bearer ${sandbox.keys.publicKey}`,
    body: {
      type: "card",
      number,
      expiry_month: 12,
      expiry_year: 2031,
      cvv: number.startsWith("3") ? "1234" : "123",
    },
  });
  if (answer.status !== 201) throw new Error(`tokenize failed: ${JSON.stringify(answer.body)}`);
  return answer.body.token;
}
