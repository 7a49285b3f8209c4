import { Hono } from "hono";
import { CARD_FRAME_CSS, CARD_FRAME_HTML } from "../browser/card-frame-page.js";
import { CHALLENGE_CSS, challengeDonePage, challengeOverPage, challengePage } from "../browser/challenge.js";
import { browserScript, componentsScript, loadBrowserScripts } from "../browser/served-scripts.js";
import { THREE_DS_PASSWORD } from "../cards.js";
import type { SandboxContext, SandboxEnv } from "../http/env.js";
import type { SandboxRuntime } from "../runtime.js";

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const HTML = "text/html; charset=utf-8";

/** What the browser loads: the Web Components emulation, the card iframe, and the 3-D Secure challenge page. */
export function browserAssetRoutes(rt: SandboxRuntime): Hono<SandboxEnv> {
  // The built scripts are checked as the sandbox is created: a missing build fails here, not as a 404.
  loadBrowserScripts();
  const app = new Hono<SandboxEnv>();
  app.get("/checkout-web-components/index.js", async (c) =>
    c.body(
      await componentsScript({ origin: `http://${c.req.header("host") ?? new URL(rt.url).host}` }),
      200,
      { "content-type": JS, "access-control-allow-origin": "*", "cache-control": "no-cache" },
    ),
  );
  app.get("/checkout-web-components/card-frame.html", (c) =>
    c.body(CARD_FRAME_HTML, 200, {
      "content-type": HTML,
      "content-security-policy": "default-src 'self'; frame-ancestors *",
    }),
  );
  app.get("/checkout-web-components/card-frame.js", async (c) =>
    c.body(await browserScript("card-frame.js"), 200, { "content-type": JS }),
  );
  app.get("/checkout-web-components/card-frame.css", (c) =>
    c.body(CARD_FRAME_CSS, 200, { "content-type": CSS }),
  );
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/3ds/challenge.css", (c) => c.body(CHALLENGE_CSS, 200, { "content-type": CSS }));
  app.get("/3ds/:sid", (c) => challenge(c, rt, c.req.param("sid")));
  app.post("/3ds/:sid", async (c) => {
    const sid = c.req.param("sid");
    const form = new URLSearchParams(await c.req.text());
    const failing = form.get("action") === "fail";
    if (!failing && form.get("password") !== THREE_DS_PASSWORD) {
      return challenge(c, rt, sid, "That password is not right. In the sandbox it is Checkout1!");
    }
    const payment = rt.payments.find(sid);
    if (payment?.status !== "Pending") return challenge(c, rt, sid);
    const target = rt.payments.completeChallenge(sid, !failing);
    if (target) return c.body(null, 303, { location: target });
    return c.body(challengeDonePage(!failing), 200, { "content-type": HTML });
  });
  return app;
}

function challenge(c: SandboxContext, rt: SandboxRuntime, sid: string, error?: string): Response {
  const payment = rt.payments.find(sid);
  if (!payment) {
    const page = "<!doctype html><title>Not found</title><p>No such authentication session.</p>";
    return c.body(page, 404, { "content-type": HTML });
  }
  if (payment.status !== "Pending") {
    // Back or reload after the challenge: lead on to the shop, never a dead end.
    return c.body(challengeOverPage(rt.payments.returnUrl(sid)), 409, { "content-type": HTML });
  }
  return c.body(challengePage(payment, sid, error), 200, { "content-type": HTML });
}
