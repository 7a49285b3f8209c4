import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, fillCard, launchChromium } from "../../../test/support/chromium.js";

const APP = resolve(import.meta.dirname, "..");
const NEXT = join(APP, "node_modules", "next", "dist", "bin", "next");
let server: ChildProcess | undefined;
let browser: Browser;
let url = "";
let dir = "";

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

/** `next build` then `next start`, as the app would be deployed, on the offline sandbox. */
beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
  await promisify(execFile)(process.execPath, [NEXT, "build"], {
    cwd: APP,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  dir = await mkdtemp(join(tmpdir(), "handoff-next-"));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: APP,
    env: {
      ...env,
      PORT: String(port),
      PUBLIC_URL: url,
      CKO_ENVIRONMENT: "local",
      DATABASE_URL: `file:${join(dir, "shop.db")}`,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((done) => setTimeout(done, 200));
  }
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
});

describe("the Next.js App Router example (demos/next-app)", () => {
  it("sells a mug: the client component pays, route handlers confirm, the order page shows it", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = collectPageErrors(page);
    await page.goto(url);
    await fillCard(page);
    await page.locator("handoff-checkout").getByRole("button", { name: "Pay £14.50" }).click();
    await page.waitForURL(/\/orders\/ord_/);
    await expect.poll(() => page.textContent("body")).toMatch(/Order ord_\w+: (authorized|captured)/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("takes Checkout.com's webhooks on a route handler, refusing unsigned ones", async () => {
    const unsigned = await fetch(`${url}/webhooks/checkoutdotcom`, { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(401);
    const wrongRoute = await fetch(`${url}/api/checkout/nothing`, { method: "POST" });
    expect(wrongRoute.status).toBe(404);
  });
});
