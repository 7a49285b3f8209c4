import {
  type Destination,
  DestinationRefusedError,
  destinationInputSchema,
  newDestinationSecret,
  type Outbox,
  toDestination,
} from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { messages } from "../messages/index.js";
import { csrfField, html, layout, table, when } from "../views.js";
import { back, pageContext } from "./orders.js";

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/;

/** A replay range from two ISO times (UTC when no zone is given). */
export function rangeOf(body: { from?: unknown; to?: unknown }): { from: string; to: string } | string {
  const from = String(body.from ?? "");
  const to = String(body.to ?? "");
  const words = messages("en");
  if (!TIME.test(from) || !TIME.test(to)) return words.destination.badRange;
  const f = new Date(from.endsWith("Z") ? from : `${from}Z`);
  const t = new Date(to.endsWith("Z") ? to : `${to}Z`);
  if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime()) || f >= t)
    return words.destination.backwardsRange;
  return { from: f.toISOString(), to: t.toISOString() };
}

/** What operators see of a destination: never its secrets. */
/**
 * A destination's URL without the user name or password a destination saved before they were
 * refused may carry (deliveries never sent them; nobody needs to read them).
 */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

export function shown(d: Destination, counts?: { pending: number; delivered: number; dead: number }) {
  const { secrets, ...rest } = d;
  return {
    ...rest,
    url: withoutCredentials(d.url),
    secrets: secrets.map((s) => `${s.slice(0, 10)}…`),
    deliveries: counts ?? { pending: 0, delivered: 0, dead: 0 },
  };
}

/** Destinations, their delivery logs and dead letters, and replay. */
export function destinationPages(
  outbox: Outbox,
  now: () => Date,
  guard: { requireCsrf: express.RequestHandler },
): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "8kb" });
  const store = outbox.store;
  const words = messages("en");

  router.get("/destinations", async (req, res) => {
    const ctx = pageContext(req, res);
    const counts = await store.counts();
    const rows = (await store.destinations()).map((d) => {
      const c = counts.get(d.id) ?? { pending: 0, delivered: 0, dead: 0 };
      const toggle = d.enabled ? "pause" : "resume";
      return [
        html`<a href="${ctx.base}/destinations/${d.id}">${d.id}</a>`,
        html`<code>${withoutCredentials(d.url)}</code>`,
        html`${d.events.join(", ")}`,
        d.enabled
          ? d.failingSince
            ? html`failing since ${when(d.failingSince, ctx.timeZone)}`
            : html`active`
          : html`paused: ${d.pausedReason ?? ""}`,
        html`${c.pending} waiting · ${c.delivered} delivered · ${c.dead} dead`,
        html`<form class="inline" method="post" action="${ctx.base}/destinations/${d.id}/${toggle}">${csrfField(ctx)}<button type="submit" class="secondary">${toggle === "pause" ? "Pause" : "Resume"}</button></form>`,
      ];
    });
    res.send(
      layout(
        ctx,
        "Destinations",
        html`<p>Where order events go, signed per Standard Webhooks. From <code>HANDOFF_DESTINATIONS</code> or added here.</p>
${table(["Destination", "URL", "Events", "State", "Deliveries", "Action"], rows, "No destinations yet.")}
<h2>Add a destination</h2>
<form method="post" action="${ctx.base}/destinations" class="stacked">${csrfField(ctx)}
<label>Name <input name="id" required pattern="[a-z0-9][a-z0-9_\\-]{0,63}"></label>
<label>URL <input name="url" type="url" required></label>
<label>Events (comma-separated) <input name="events" value="order.*"></label>
<button type="submit">Add</button></form>`,
      ),
    );
  });

  router.post("/destinations", form, guard.requireCsrf, async (req, res) => {
    const ctx = pageContext(req, res);
    const body = req.body as { id?: string; url?: string; events?: string };
    const secret = newDestinationSecret();
    const parsed = destinationInputSchema.safeParse({
      id: body.id ?? "",
      url: body.url ?? "",
      secret,
      events: String(body.events ?? "")
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    });
    const path = `${req.baseUrl}/destinations`;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return back(res, path, false, words.destination.invalid(String(issue?.path[0] ?? "")));
    }
    if ((await store.destination(parsed.data.id))?.source === "file")
      return back(res, path, false, words.destination.fromFile);
    try {
      await store.saveDestination(toDestination(parsed.data, "ops"), now().toISOString());
    } catch (error) {
      if (!(error instanceof DestinationRefusedError)) throw error;
      return back(res, path, false, error.message);
    }
    res.send(
      layout(
        ctx,
        "Destination added",
        html`<p>Give this signing secret to the receiver of <strong>${parsed.data.id}</strong>. It is shown only now.</p>
<p><code>${secret}</code></p><p><a href="${ctx.base}/destinations">Back to destinations</a></p>`,
      ),
    );
  });

  for (const action of ["pause", "resume"] as const) {
    router.post(
      `/destinations/:id/${action}`,
      form,
      guard.requireCsrf,
      async (req: Request<{ id: string }>, res: Response) => {
        const ok = await store.setEnabled(req.params.id, action === "resume", undefined, now().toISOString());
        if (ok && action === "resume") outbox.worker.wake();
        back(
          res,
          `${req.baseUrl}/destinations`,
          ok,
          words.destination.paused(req.params.id, action === "pause", ok),
        );
      },
    );
  }

  router.get("/destinations/:id", async (req: Request<{ id: string }>, res: Response) => {
    const ctx = pageContext(req as unknown as Request, res);
    const d = await store.destination(req.params.id);
    if (!d)
      return void res
        .status(404)
        .send(
          layout(
            ctx,
            "Destination not found",
            html`<p>No destination has that name.</p><p><a href="${ctx.base}/destinations">All destinations</a></p>`,
          ),
        );
    const path = `${ctx.base}/destinations/${d.id}`;
    const attempts = (await store.attempts(d.id, 100)).map((a) => [
      when(a.at, ctx.timeZone),
      html`<code class="id">${a.eventId}</code>`,
      html`${a.statusCode === undefined ? "No answer" : a.statusCode >= 200 && a.statusCode < 300 ? "Delivered" : `Refused (HTTP ${a.statusCode})`}`,
      html`${a.durationMs} ms`,
      html`${a.error ?? a.responseExcerpt ?? ""}`,
    ]);
    const dead = (await store.deliveries({ destinationId: d.id, status: "dead", limit: 100 })).map((x) => [
      html`<code class="id">${x.eventId}</code>`,
      html`${words.outbox.event(x.event.type)}`,
      html`${x.attempts}`,
      html`${x.lastError ?? (x.lastStatus ? `HTTP ${x.lastStatus}` : "")}`,
      html`<form class="inline" method="post" action="${path}/replay">${csrfField(ctx)}<input type="hidden" name="eventId" value="${x.eventId}"><button type="submit">Replay</button></form>`,
    ]);
    res.send(
      layout(
        ctx,
        `Destination ${d.id}`,
        html`<p><a href="${ctx.base}/destinations">All destinations</a></p><p><code>${withoutCredentials(d.url)}</code> · ${d.events.join(", ")} · ${d.enabled ? "active" : `paused${d.pausedReason ? `: ${d.pausedReason}` : ""}`}</p>
<h2>Dead letters</h2>
${table(["Event", "Type", "Attempts", "Last failure", "Action"], dead, "None: every event was delivered or is still being tried.")}
<h2>Replay a time range</h2>
<p class="muted">Every event of this destination's kinds in the range is sent again, delivered or not.</p>
<form class="filters" method="post" action="${path}/replay">${csrfField(ctx)}<label class="half">From (UTC) <input name="from" type="datetime-local" required></label><label class="half">To (UTC) <input name="to" type="datetime-local" required></label><button type="submit">Replay the range</button></form>
<h2>Delivery log</h2>
${table(["When", "Event", "Status", "Took", "Answer"], attempts, "No attempts yet.")}`,
      ),
    );
  });

  router.post(
    "/destinations/:id/replay",
    form,
    guard.requireCsrf,
    async (req: Request<{ id: string }>, res: Response) => {
      const d = await store.destination(req.params.id);
      const path = `${req.baseUrl}/destinations/${encodeURIComponent(req.params.id)}`;
      if (!d)
        return back(res, `${req.baseUrl}/destinations`, false, words.destination.paused("", false, false));
      const body = req.body as { eventId?: string; from?: string; to?: string };
      if (body.eventId) {
        const replay = await store.replayOne(d.id, body.eventId, now().toISOString());
        if (replay === "queued") outbox.worker.wake();
        return back(res, path, replay === "queued", words.destination.replayOne(replay));
      }
      const range = rangeOf(body);
      if (typeof range === "string") return back(res, path, false, range);
      const count = await store.replayRange(d, range.from, range.to, now().toISOString());
      outbox.worker.wake();
      back(res, path, true, words.destination.replayRange(count));
    },
  );
  return router;
}
