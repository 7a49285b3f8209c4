import { THREE_DS_PASSWORD } from "@handoff/sandbox";
import { type ApiReply, reconcileStuckAttempts, releaseReview, requestOperatorAction } from "@handoff/server";
import type { OperatorStep, Race } from "./race.js";
import type { ScheduledShop } from "./scheduled-shop.js";
import type { Stage } from "./scheduler.js";

const CARDS = {
  approved: "4242424242424242",
  challenged: "4010061700000021",
  flagged: "4000000000000101",
};

export interface RaceRun {
  orderId: string;
  /** The race's products and the stock each started with. */
  shelf: Map<string, number>;
  /** What each actor was answered, for the failure report. */
  answers: string[];
  /** False when the order still changed after several rounds of settling. */
  settled: boolean;
}

function summary(reply: ApiReply): string {
  const body = (reply.body ?? {}) as Record<string, unknown>;
  const said = body.status ?? body.error ?? body.accepted ?? body.released ?? "";
  return `${reply.status} ${String(said)}`;
}

/** Sets up a cart and its checkout, lets every party of `race` loose on the stage, then settles. */
export async function runRace(shop: ScheduledShop, stage: Stage, race: Race, n: number): Promise<RaceRun> {
  // Products of its own, so each run's stock starts full and its checks see only this run.
  const [mug, poster, tote] = [`mug-${n}`, `poster-${n}`, `tote-${n}`];
  const shelf = new Map([
    [mug, 100],
    [poster, 100],
    [tote, 100],
  ]);
  await shop.inventory.upsertProducts([
    { sku: mug, name: "Enamel mug", unitAmount: 1450, currency: "GBP", stock: 100 },
    { sku: poster, name: "Risograph poster", unitAmount: 2200, currency: "GBP", stock: 100 },
    { sku: tote, name: "Tote bag", unitAmount: 1800, currency: "GBP", stock: 100 },
  ]);
  const created = await shop.inventory.createCart([{ sku: mug, quantity: 1 }]);
  if (!created.ok) throw new Error(`cart refused: ${created.error}`);
  const cartId = created.cart.cartId;
  const opened = await shop.handoff.session({ cartId });
  const order = await shop.deps.store.findOrderByCart(cartId);
  if (opened.status !== 200 || !order) throw new Error(`session refused: ${JSON.stringify(opened.body)}`);
  const orderId = order.id;
  const answers: string[] = [];
  const note = (who: string, reply: ApiReply) => answers.push(`${who}: ${summary(reply)}`);

  // The shopper on the bank's page: pass or fail the challenge, and the browser comes back to the shop.
  const challenge = (redirectUrl: string) =>
    stage.spawn("challenge", async () => {
      const form: Record<string, string> =
        race.threeDs === "pass" ? { password: THREE_DS_PASSWORD } : { action: "fail" };
      const page = await fetch(redirectUrl, {
        method: "POST",
        body: new URLSearchParams(form),
        redirect: "manual",
      });
      await page.arrayBuffer();
      const location = page.headers.get("location");
      answers.push(`challenge: ${page.status}`);
      if (location) note("3ds-return", await shop.handoff.threeDsReturn(new URL(location).searchParams));
    });
  const confirm = (who: string, token: string, then?: (reply: ApiReply) => void) =>
    stage.spawn(who, async () => {
      const reply = await shop.handoff.confirm({ cartId, processorToken: token });
      note(who, reply);
      then?.(reply);
    });
  const challengeAfter = (reply: ApiReply) => {
    const redirectUrl = (reply.body as { redirectUrl?: string }).redirectUrl;
    if (reply.status === 202 && redirectUrl && race.threeDs !== "abandon") challenge(redirectUrl);
  };

  if (race.threeDs !== "none") {
    const threeDsToken = shop.token(CARDS.challenged);
    if (race.threeDsFirst) {
      let first: ApiReply | undefined;
      confirm("3ds", threeDsToken, (reply) => {
        first = reply;
      });
      await stage.run();
      if (first) challengeAfter(first);
    } else confirm("3ds", threeDsToken, challengeAfter);
  }
  if (race.checkout !== "none") {
    stage.spawn(race.checkout, async () => {
      if (race.checkout === "reprice") {
        const items = [
          { sku: mug, quantity: 1 },
          { sku: poster, quantity: 20 },
          { sku: tote, quantity: 30 },
        ];
        const changed = await shop.inventory.setCartItems(cartId, items);
        if (!changed.ok) throw new Error(`cart change refused: ${changed.error}`);
      }
      note(`${race.checkout} session`, await shop.handoff.session({ cartId }));
    });
  }
  const tokenA = shop.token(CARDS.approved);
  if (race.shoppers >= 1) confirm("A", tokenA);
  if (race.shoppers >= 2) confirm("B", shop.token(race.flagged ? CARDS.flagged : CARDS.approved));
  if (race.shoppers >= 1 && race.doubleClick) confirm("A again", tokenA);
  if (race.sweep) stage.spawn("sweep", () => reconcileStuckAttempts(shop.deps, 2 * 60_000));
  if (race.minutesPass > 0) {
    stage.spawn("clock", async () => {
      // Time jumps only between calls: a request in flight is answered (or times out) within seconds.
      for (let i = 0; i < 40 && stage.midCall(); i++) await stage.point("waits");
      if (!stage.midCall()) shop.advance(race.minutesPass * 60_000);
    });
  }
  race.operator.forEach((step, i) => {
    stage.spawn(`operator ${step}`, async () => {
      // An operator acts on a paid order: until there is a payment, they look again later.
      for (let tries = 0; ; tries++) {
        const reply = await operate(shop, orderId, step, `step-${i}`);
        const nothingYet = (reply.body as { error?: string } | undefined)?.error === "ORDER_NOT_FOUND";
        if (!nothingYet || tries === 10) return note(`operator ${step}`, reply);
        await stage.point("looks again");
      }
    });
  });
  await stage.run();
  return { orderId, shelf, answers, settled: await settleEverything(shop, stage, orderId) };
}

function operate(
  shop: ScheduledShop,
  orderId: string,
  step: OperatorStep,
  requestKey: string,
): Promise<ApiReply> {
  if (step === "release") return releaseReview(shop.deps, orderId, "ops");
  if (step === "refund-part")
    return requestOperatorAction(shop.deps, orderId, "refund", { amount: 500, requestKey });
  if (step === "void") return requestOperatorAction(shop.deps, orderId, "void", { requestKey });
  return requestOperatorAction(shop.deps, orderId, step, { full: true, requestKey });
}

/**
 * Lets everything finish as it would in production, given time: 20 minutes pass (3-D Secure left
 * open expires at Checkout.com), the sweep looks at every stuck attempt, the worker retries parked
 * webhooks, and whatever they cause (reversals, more webhooks) runs too. Repeats until nothing changes.
 */
async function settleEverything(shop: ScheduledShop, stage: Stage, orderId: string): Promise<boolean> {
  for (let round = 0; round < 6; round++) {
    const before = await snapshot(shop, orderId);
    shop.advance(20 * 60_000);
    stage.spawn("settle: sweep", () => reconcileStuckAttempts(shop.deps, 0));
    stage.spawn("settle: webhook worker", () => shop.drainInbox(`settle ${round}`));
    await stage.run();
    if ((await snapshot(shop, orderId)) === before) return true;
  }
  return false;
}

/** The order, its attempts and its payments at Checkout.com, without ids: equal when nothing moved. */
export async function snapshot(shop: ScheduledShop, orderId: string): Promise<string> {
  const order = await shop.deps.store.getOrder(orderId);
  const attempts = await shop.deps.store.attemptsOfOrder(orderId);
  const payments = [...shop.sandbox.payments.payments.values()].filter((p) => p.reference === orderId);
  const waiting = await shop.db.execute(
    "SELECT COUNT(*) AS n FROM webhook_events WHERE status IN ('received', 'retrying', 'parked')",
  );
  return JSON.stringify({
    order: [order?.status, order?.amount],
    attempts: attempts.map((a) => [a.status, a.abandonedAt !== undefined]),
    payments: payments.map((p) => [p.status, p.amount, p.balances]),
    waiting: Number(waiting.rows[0]?.n),
  });
}
