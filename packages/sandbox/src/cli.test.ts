import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startReceiver } from "./test-support/receiver.js";

const cli = resolve(import.meta.dirname, "cli.ts");
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGTERM");
});

/** Runs the CLI from source (tsx), as `handoff-sandbox …` would run from dist. */
function run(args: string[]) {
  const child = spawn(process.execPath, ["--conditions=@handoff/source", "--import", "tsx", cli, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d));
  child.stderr?.on("data", (d: Buffer) => (err += d));
  const exited = new Promise<number>((done) => child.on("exit", (code) => done(code ?? -1)));
  const line = (pattern: RegExp) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) done(match[0]);
      };
      check();
      child.stdout?.on("data", check);
      child.on("exit", () => fail(new Error(`exited before printing ${pattern}: ${err}`)));
    });
  return { child, exited, line, output: () => ({ out, err }) };
}

describe("handoff-sandbox CLI", () => {
  it("starts, announces its URL, then triggers and lists events", async () => {
    const receiver = await startReceiver();
    try {
      const server = run([
        "start",
        "--port",
        "0",
        "--webhook-url",
        receiver.url,
        "--signature-key",
        "whsec_cli",
      ]);
      const announced = await server.line(/handoff-sandbox listening on http:\/\/127\.0\.0\.1:\d+/);
      const base = announced.replace("handoff-sandbox listening on ", "");
      await server.line(/webhooks →/);
      expect(server.output().out).not.toContain("signature key:");

      const pk = /public key:\s+(\S+)/.exec(server.output().out)?.[1];
      const sk = /secret key:\s+(\S+)/.exec(server.output().out)?.[1];
      const token = await (
        await fetch(`${base}/tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${pk}`, "content-type": "application/json" },
          body: JSON.stringify({
            type: "card",
            number: "4242424242424242",
            expiry_month: 1,
            expiry_year: 2040,
          }),
        })
      ).json();
      const payment = await (
        await fetch(`${base}/payments`, {
          method: "POST",
          headers: { authorization: `Bearer ${sk}`, "content-type": "application/json" },
          body: JSON.stringify({
            source: { type: "token", token: token.token },
            amount: 500,
            currency: "USD",
          }),
        })
      ).json();

      const trigger = run(["trigger", "dispute_received", "--payment", payment.id, "--url", base]);
      expect(await trigger.exited).toBe(0);
      expect(trigger.output().out).toMatch(/^sent dispute_received evt_\w{26}$/m);

      await fetch(`${base}/_sandbox/idle`);
      const events = run(["events", "--url", base]);
      expect(await events.exited).toBe(0);
      expect(events.output().out).toMatch(/payment_approved/);
      expect(events.output().out).toMatch(/dispute_received/);
      expect(receiver.types()).toContain("dispute_received");
    } finally {
      await receiver.close();
    }
  });

  it("explains bad options in one line and exits 2", async () => {
    const bad = run(["start", "--chaos", "duplicate=7"]);
    expect(await bad.exited).toBe(2);
    expect(bad.output().err).toMatch(/^handoff-sandbox: --chaos: duplicate must be a probability/);
    const noSandbox = run(["events", "--url", "http://127.0.0.1:9"]);
    expect(await noSandbox.exited).toBe(2);
    expect(noSandbox.output().err).toMatch(/no sandbox answers at http:\/\/127\.0\.0\.1:9/);
  });
});
