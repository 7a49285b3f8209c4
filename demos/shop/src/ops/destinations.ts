import {
  type Destination,
  type DestinationInput,
  destinationInputSchema,
  newDestinationSecret,
  type Outbox,
  toDestination,
} from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { esc } from "../html.js";
import { sameOrigin } from "./auth.js";
import { opsPage, table } from "./views.js";

/** What operators see of a destination: never its secrets. */
function shown(d: Destination, counts?: { pending: number; delivered: number; dead: number }) {
  const { secrets, ...rest } = d;
  return {
    ...rest,
    secrets: secrets.map((s) => `${s.slice(0, 10)}…`),
    deliveries: counts ?? { pending: 0, delivered: 0, dead: 0 },
  };
}

const RANGE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/;

function rangeOf(body: { from?: unknown; to?: unknown }): { from: string; to: string } | string {
  const from = String(body.from ?? "");
  const to = String(body.to ?? "");
  if (!RANGE.test(from) || !RANGE.test(to)) return "from and to are ISO-8601 times, e.g. 2026-11-24T10:00Z";
  const f = new Date(from.endsWith("Z") ? from : `${from}Z`);
  const t = new Date(to.endsWith("Z") ? to : `${to}Z`);
  if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime()) || f >= t) return "from must be before to";
  return { from: f.toISOString(), to: t.toISOString() };
}

/** The JSON API under /ops/api/destinations (bearer token checked by the caller). */
export function destinationsApi(outbox: Outbox, now: () => Date): Router {
  const api = express.Router();
  const json = express.json({ limit: "16kb" });
  const store = outbox.store;
  const notFound = (res: Response) =>
    void res.status(404).json({ error: "DESTINATION_NOT_FOUND", message: "No such destination." });

  api.get("/", async (_req, res) => {
    const counts = await store.counts();
    res.json({ destinations: (await store.destinations()).map((d) => shown(d, counts.get(d.id))) });
  });
  api.post("/", json, async (req, res) => {
    const body = { secret: newDestinationSecret(), ...(req.body ?? {}) } as DestinationInput;
    const parsed = destinationInputSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return void res.status(400).json({
        error: "INVALID_REQUEST",
        message: `${issue?.path.join(".") || "body"}: ${issue?.message}`,
      });
    }
    const existing = await store.destination(parsed.data.id);
    if (existing?.source === "file")
      return void res.status(409).json({
        error: "DESTINATION_FROM_FILE",
        message: "This destination comes from HANDOFF_DESTINATIONS; change it there.",
      });
    const destination = toDestination(parsed.data, "ops");
    await store.saveDestination(destination, now().toISOString());
    // The secret is shown once, to the operator who made it, so the receiver can be configured.
    res
      .status(existing ? 200 : 201)
      .json({ destination: shown(destination), secret: destination.secrets[0] });
  });
  api.delete("/:id", async (req, res) => {
    const existing = await store.destination(req.params.id);
    if (!existing) return notFound(res);
    if (existing.source === "file")
      return void res
        .status(409)
        .json({ error: "DESTINATION_FROM_FILE", message: "Remove it from HANDOFF_DESTINATIONS." });
    await store.deleteDestination(req.params.id);
    res.status(204).end();
  });
  for (const action of ["pause", "resume"] as const) {
    api.post(`/:id/${action}`, async (req, res) => {
      const ok = await store.setEnabled(req.params.id, action === "resume", undefined, now().toISOString());
      if (!ok) return notFound(res);
      if (action === "resume") outbox.worker.wake();
      res.json({ destination: shown((await store.destination(req.params.id)) as Destination) });
    });
  }
  api.get("/:id/attempts", async (req, res) => {
    if (!(await store.destination(req.params.id))) return notFound(res);
    res.json({ attempts: await store.attempts(req.params.id, 200) });
  });
  api.get("/:id/dead-letters", async (req, res) => {
    if (!(await store.destination(req.params.id))) return notFound(res);
    res.json({
      deadLetters: await store.deliveries({ destinationId: req.params.id, status: "dead", limit: 200 }),
    });
  });
  api.post("/:id/replay", json, async (req, res) => {
    const destination = await store.destination(req.params.id);
    if (!destination) return notFound(res);
    const body = (req.body ?? {}) as { eventId?: unknown; from?: unknown; to?: unknown };
    if (typeof body.eventId === "string") {
      const found = await store.replay(destination.id, body.eventId, now().toISOString());
      if (!found) return void res.status(404).json({ error: "EVENT_NOT_FOUND", message: "No such event." });
      outbox.worker.wake();
      return void res.status(202).json({ replaying: 1 });
    }
    const range = rangeOf(body);
    if (typeof range === "string")
      return void res.status(400).json({ error: "INVALID_REQUEST", message: range });
    const count = await store.replayRange(destination, range.from, range.to, now().toISOString());
    outbox.worker.wake();
    res.status(202).json({ replaying: count });
  });
  return api;
}

function destinationRows(
  list: Destination[],
  counts: Map<string, { pending: number; delivered: number; dead: number }>,
) {
  return list.map((d) => {
    const c = counts.get(d.id) ?? { pending: 0, delivered: 0, dead: 0 };
    const state = d.enabled
      ? d.failingSince
        ? `failing since ${esc(d.failingSince)}`
        : "active"
      : `paused: ${esc(d.pausedReason ?? "")}`;
    const toggle = d.enabled ? "pause" : "resume";
    return [
      `<a href="/ops/destinations/${esc(d.id)}">${esc(d.id)}</a>`,
      esc(d.url),
      esc(d.events.join(", ")),
      state,
      `${esc(c.pending)} waiting · ${esc(c.delivered)} delivered · ${esc(c.dead)} dead`,
      `<form method="post" action="/ops/destinations/${esc(d.id)}/${toggle}"><button type="submit">${toggle === "pause" ? "Pause" : "Resume"}</button></form>`,
    ];
  });
}

/** The pages under /ops/destinations (signed-in operator checked by the caller). */
export function destinationsPages(outbox: Outbox, now: () => Date): Router {
  const pages = express.Router();
  const form = express.urlencoded({ extended: false, limit: "8kb" });
  const store = outbox.store;
  const back = (res: Response, path: string, ok: boolean, text: string) =>
    res.redirect(303, `${path}?${ok ? "done" : "failed"}=${encodeURIComponent(text)}`);
  const notice = (req: Request) => {
    const done = typeof req.query.done === "string" ? req.query.done : undefined;
    const failed = typeof req.query.failed === "string" ? req.query.failed : undefined;
    return done ? { text: done } : failed ? { text: failed, error: true } : undefined;
  };

  pages.get("/", async (req, res) => {
    const list = await store.destinations();
    res.send(
      opsPage(
        "Destinations",
        `<p>Where order events go (Standard Webhooks, signed). From <code>HANDOFF_DESTINATIONS</code> or added here.</p>
${table(["Destination", "URL", "Events", "State", "Deliveries", ""], destinationRows(list, await store.counts()), "No destinations yet.")}
<h2>Add a destination</h2>
<form method="post" action="/ops/destinations" class="stacked">
<label for="d-id">Name</label> <input id="d-id" name="id" required pattern="[a-z0-9][a-z0-9_-]{0,63}">
<label for="d-url">URL</label> <input id="d-url" name="url" type="url" required>
<label for="d-events">Events (comma-separated)</label> <input id="d-events" name="events" value="order.*">
<button type="submit">Add</button></form>`,
        notice(req),
      ),
    );
  });
  pages.post("/", form, sameOrigin, async (req, res) => {
    const body = req.body as { id?: string; url?: string; events?: string };
    const input = {
      id: body.id ?? "",
      url: body.url ?? "",
      secret: newDestinationSecret(),
      events: String(body.events ?? "")
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    };
    const parsed = destinationInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return back(res, "/ops/destinations", false, `${issue?.path.join(".")}: ${issue?.message}`);
    }
    if ((await store.destination(parsed.data.id))?.source === "file")
      return back(res, "/ops/destinations", false, "That name comes from HANDOFF_DESTINATIONS.");
    await store.saveDestination(toDestination(parsed.data, "ops"), now().toISOString());
    res.send(
      opsPage(
        "Destination added",
        `<p>Give this signing secret to the receiver of <strong>${esc(parsed.data.id)}</strong>. It is shown only now.</p>
<p><code class="secret">${esc(input.secret)}</code></p><p><a href="/ops/destinations">Back to destinations</a></p>`,
      ),
    );
  });
  for (const action of ["pause", "resume"] as const) {
    pages.post(`/:id/${action}`, sameOrigin, async (req: Request<{ id: string }>, res: Response) => {
      const ok = await store.setEnabled(req.params.id, action === "resume", undefined, now().toISOString());
      if (ok && action === "resume") outbox.worker.wake();
      back(
        res,
        "/ops/destinations",
        ok,
        ok ? `${req.params.id} ${action === "pause" ? "paused" : "resumed"}.` : "No such destination.",
      );
    });
  }
  pages.get("/:id", async (req: Request<{ id: string }>, res: Response) => {
    const d = await store.destination(req.params.id);
    if (!d) return void res.status(404).send(opsPage("Not found", "<p>No such destination.</p>"));
    const attempts = await store.attempts(d.id, 100);
    const dead = await store.deliveries({ destinationId: d.id, status: "dead", limit: 100 });
    const path = `/ops/destinations/${esc(d.id)}`;
    const attemptRows = attempts.map((a) => [
      esc(a.at),
      esc(a.eventId),
      a.statusCode === undefined ? "—" : esc(a.statusCode),
      `${esc(a.durationMs)} ms`,
      esc(a.error ?? a.responseExcerpt ?? ""),
    ]);
    const deadRows = dead.map((x) => [
      esc(x.eventId),
      esc(x.event.type),
      esc(x.attempts),
      esc(x.lastError ?? (x.lastStatus ? `HTTP ${x.lastStatus}` : "")),
      `<form method="post" action="${path}/replay"><input type="hidden" name="eventId" value="${esc(x.eventId)}"><button type="submit">Replay</button></form>`,
    ]);
    res.send(
      opsPage(
        `Destination ${d.id}`,
        `<p>${esc(d.url)} · ${esc(d.events.join(", "))} · ${d.enabled ? "active" : `paused: ${esc(d.pausedReason ?? "")}`}</p>
<h2>Dead letters</h2>
${table(["Event", "Type", "Attempts", "Last failure", ""], deadRows, "None: every event was delivered or is still being tried.")}
<h2>Replay a time range</h2>
<form method="post" action="${path}/replay"><label for="r-from">From (UTC)</label> <input id="r-from" name="from" placeholder="2026-11-24T10:00Z" required> <label for="r-to">To</label> <input id="r-to" name="to" placeholder="2026-11-24T11:00Z" required> <button type="submit">Replay</button></form>
<h2>Delivery log</h2>
${table(["Time", "Event", "Status", "Took", "Answer"], attemptRows, "No attempts yet.")}`,
        notice(req),
      ),
    );
  });
  pages.post("/:id/replay", form, sameOrigin, async (req: Request<{ id: string }>, res: Response) => {
    const d = await store.destination(req.params.id);
    const path = `/ops/destinations/${encodeURIComponent(req.params.id)}`;
    if (!d) return back(res, "/ops/destinations", false, "No such destination.");
    const body = req.body as { eventId?: string; from?: string; to?: string };
    if (body.eventId) {
      const found = await store.replay(d.id, body.eventId, now().toISOString());
      if (found) outbox.worker.wake();
      return back(res, path, found, found ? `Event ${body.eventId} will be sent again.` : "No such event.");
    }
    const range = rangeOf(body);
    if (typeof range === "string") return back(res, path, false, range);
    const count = await store.replayRange(d, range.from, range.to, now().toISOString());
    outbox.worker.wake();
    back(res, path, true, `${count} event(s) will be sent again.`);
  });
  return pages;
}
