import { newKey } from "../random-ids.js";

/** OAuth bearer tokens handed out by `/connect/token`, with when they stop working. */
export class AccessTokens {
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly client: () => { clientId: string; clientSecret: string },
    private readonly now: () => number,
  ) {}

  valid(header: string | undefined): boolean {
    const token = header?.replace(/^bearer\s+/i, "");
    const expires = token ? this.tokens.get(token) : undefined;
    return expires !== undefined && expires > this.now();
  }

  /** The client-credentials grant, as Checkout.com's access host answers it (form or Basic credentials). */
  issue(form: URLSearchParams, authorization: string | undefined): { status: number; body: unknown } {
    const basic = /^basic\s+(.+)$/i.exec(authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString().split(":") : [];
    const clientId = form.get("client_id") ?? basicId;
    const clientSecret = form.get("client_secret") ?? basicSecret;
    if (form.get("grant_type") !== "client_credentials")
      return { status: 400, body: { error: "unsupported_grant_type" } };
    const expected = this.client();
    if (clientId !== expected.clientId || clientSecret !== expected.clientSecret) {
      return { status: 400, body: { error: "invalid_client" } };
    }
    const token = `oat_${newKey("sk").slice("sk_sbox_".length)}`;
    this.tokens.set(token, this.now() + 3600_000);
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: "Bearer",
        expires_in: 3600,
        scope: form.get("scope") ?? "gateway",
      },
    };
  }
}
