import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "../deps.js";
import type { WebhookReceiver } from "../webhooks/receive.js";
import { CLIENT_CLOSED_REQUEST, logClientAborted, unlessAborted } from "./client-aborted.js";
import { closeIfUnread, headerOf, readRawBody } from "./raw-body.js";

/** A JSON body parser ran before the webhook route, so the bytes Checkout.com signed are gone. */
export class WebhookBodyAlreadyParsedError extends Error {
  override name = "WebhookBodyAlreadyParsedError";
  constructor() {
    super(
      "The webhook body was already parsed into an object by a JSON middleware (express.json(), bodyParser.json()) " +
        "that runs before the Handoff webhook router. Signatures are over the raw bytes, so nothing can be verified. " +
        "Mount createWebhookRouter() before app.use(express.json()), exclude its path from the parser, or capture the " +
        "bytes with express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }).",
    );
  }
}

async function rawBodyOf(
  req: Request,
  limit: number,
): Promise<{ body: Uint8Array | undefined; size: number }> {
  const parsed: unknown = req.body;
  const captured = (req as Request & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(captured))
    return { body: captured.length <= limit ? captured : undefined, size: captured.length };
  if (Buffer.isBuffer(parsed))
    return { body: parsed.length <= limit ? parsed : undefined, size: parsed.length };
  if (typeof parsed === "string") {
    const bytes = Buffer.from(parsed, "utf8");
    return { body: bytes.length <= limit ? bytes : undefined, size: bytes.length };
  }
  if (parsed !== undefined && parsed !== null && typeof parsed === "object" && req.readableEnded) {
    throw new WebhookBodyAlreadyParsedError();
  }
  // Nobody read the stream: read the exact bytes ourselves.
  const { body, size } = await readRawBody(req, limit);
  return { body, size };
}

/**
 * Express 5 router for Checkout.com webhooks. It reads the raw body itself, so the raw-body mistake
 * cannot happen; if a JSON parser got there first it fails loudly with `WebhookBodyAlreadyParsedError`.
 *
 * @example
 * app.use("/webhooks/checkoutdotcom", createWebhookRouter(webhooks.receiver, logger));
 * app.use(express.json()); // after, or anywhere: a captured req.rawBody also works
 */
export function createWebhookRouter(receiver: WebhookReceiver, logger: Logger): Router {
  const router = express.Router();
  router.all("/", async (req: Request, res: Response) => {
    let raw: { body: Uint8Array | undefined; size: number } | undefined;
    try {
      raw = await unlessAborted(rawBodyOf(req, receiver.maxBodyBytes));
    } catch (error) {
      if (!(error instanceof WebhookBodyAlreadyParsedError)) throw error;
      logger.error({ err: error.name }, error.message);
      // Our own misconfiguration, not the sender's: 500 makes Checkout.com retry until it is fixed.
      res.status(500).json({ error: "WEBHOOK_BODY_ALREADY_PARSED", message: error.message });
      return;
    }
    if (!raw) {
      // Gone before its body arrived: nothing stored, and not an error for the app's error handler.
      logClientAborted(logger, `${req.method} ${req.originalUrl.split("?")[0]}`);
      res.status(CLIENT_CLOSED_REQUEST).end();
      return;
    }
    const reply = await receiver({
      method: req.method,
      header: headerOf(req),
      headerNames: Object.keys(req.headers),
      body: raw.body,
      bodySize: raw.size,
    });
    if (reply.headers) res.set(reply.headers);
    res
      .set(closeIfUnread(req))
      .status(reply.status)
      .json(reply.body ?? {});
  });
  return router;
}
