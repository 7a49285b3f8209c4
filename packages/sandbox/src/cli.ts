/**
 * handoff-sandbox: offline Checkout.com for development and tests.
 *   handoff-sandbox start --port 3100 --webhook-url http://127.0.0.1:3000/webhooks/checkoutdotcom
 *   handoff-sandbox trigger dispute_received --payment pay_…
 *   handoff-sandbox events
 */
import { parseArgs } from "node:util";

const USAGE = `Usage:
  handoff-sandbox start [--port N] [--host H] [--webhook-url URL]… [--signature-key K] [--authorization-key K]
                        [--public-key pk_…] [--secret-key sk_…] [--time-scale X] [--seed N]
                        [--chaos duplicate=0.2,reorder=0.3,delay=0-2000,fail-first=0.1] [--amount-triggers] [--strict]
                        [--settlement-day-ms N] [--state FILE | --memory]
                        [--settlement-faults late-interchange,chargeback,adjustment=-1.50,holding=EUR:1.17,split-reports]
  handoff-sandbox trigger TYPE --payment pay_… [--url http://127.0.0.1:3100]
  handoff-sandbox events [--url http://127.0.0.1:3100]`;

function fail(message: string): never {
  process.stderr.write(`handoff-sandbox: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) fail(`--${name} must be a positive number, got "${value}"`);
  return n;
}

async function start(argv: string[]): Promise<void> {
  // Loaded here, not at the top: `trigger` and `events` are small HTTP calls and start faster without them.
  const { createSandbox } = await import("./server.js");
  const { parseSettlementFaults } = await import("./settlement/config.js");
  const { ChaosSpecError, parseChaos } = await import("./webhooks/chaos.js");
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "3100" },
      host: { type: "string", default: "127.0.0.1" },
      "webhook-url": { type: "string", multiple: true, default: [] },
      "signature-key": { type: "string" },
      "authorization-key": { type: "string" },
      "public-key": { type: "string" },
      "secret-key": { type: "string" },
      "time-scale": { type: "string" },
      chaos: { type: "string" },
      seed: { type: "string" },
      "amount-triggers": { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      "settlement-day-ms": { type: "string" },
      "settlement-faults": { type: "string" },
      state: { type: "string" },
      memory: { type: "boolean", default: false },
    },
  });
  if (values.state && values.memory) fail("--state and --memory contradict each other: pick one");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be 0-65535, got "${values.port}"`);
  for (const url of values["webhook-url"] ?? []) {
    if (!URL.canParse(url)) fail(`--webhook-url "${url}" is not a URL`);
  }
  if (values["public-key"] && !values["public-key"].startsWith("pk_"))
    fail("--public-key must start with pk_");
  if (values["secret-key"] && !values["secret-key"].startsWith("sk_"))
    fail("--secret-key must start with sk_");
  let chaos: ReturnType<typeof parseChaos> | undefined;
  try {
    chaos = values.chaos ? parseChaos(values.chaos) : undefined;
  } catch (error) {
    if (error instanceof ChaosSpecError) fail(`--chaos: ${error.message}`);
    throw error;
  }
  let settlementFaults: import("./settlement/model.js").SettlementFaults | undefined;
  try {
    settlementFaults = values["settlement-faults"]
      ? parseSettlementFaults(values["settlement-faults"])
      : undefined;
  } catch (error) {
    if (error instanceof RangeError) fail(`--settlement-faults: ${error.message}`);
    throw error;
  }
  const dayMs = values["settlement-day-ms"]
    ? positiveNumber("settlement-day-ms", values["settlement-day-ms"], 1)
    : undefined;
  const sandbox = createSandbox({
    webhookUrls: values["webhook-url"] ?? [],
    timeScale: positiveNumber("time-scale", values["time-scale"], 1),
    seed: values.seed === undefined ? 1 : Math.trunc(positiveNumber("seed", values.seed, 1)),
    amountTriggers: values["amount-triggers"] ?? false,
    strict: values.strict ?? false,
    ...(chaos ? { chaos } : {}),
    ...(values.state ? { stateFile: values.state } : {}),
    settlement: { ...(settlementFaults ? { faults: settlementFaults } : {}), ...(dayMs ? { dayMs } : {}) },
    ...(values["signature-key"] ? { signatureKey: values["signature-key"] } : {}),
    ...(values["authorization-key"] ? { authorizationKey: values["authorization-key"] } : {}),
    ...(values["public-key"] ? { publicKey: values["public-key"] } : {}),
    ...(values["secret-key"] ? { secretKey: values["secret-key"] } : {}),
  });
  const url = await sandbox.listen(port, values.host);
  if (values.state) process.stdout.write(`  state file:    ${values.state} (kept across restarts)\n`);
  process.stdout.write(`handoff-sandbox listening on ${url}\n`);
  // Generated keys are this local sandbox's own and worthless elsewhere; without them nobody could call it.
  if (!values["public-key"]) process.stdout.write(`  public key:    ${sandbox.keys.publicKey}\n`);
  if (!values["secret-key"]) process.stdout.write(`  secret key:    ${sandbox.keys.secretKey}\n`);
  if (!values["signature-key"]) process.stdout.write(`  signature key: ${sandbox.keys.signatureKey}\n`);
  for (const target of sandbox.webhookUrls) process.stdout.write(`  webhooks →     ${target}\n`);
  const stop = () => {
    sandbox.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function control(path: string, base: string, init?: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), init);
  } catch {
    fail(`no sandbox answers at ${base} (start one with: handoff-sandbox start)`);
  }
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!response.ok) fail((body as { message?: string } | undefined)?.message ?? `HTTP ${response.status}`);
  return body;
}

async function trigger(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { payment: { type: "string" }, url: { type: "string", default: "http://127.0.0.1:3100" } },
  });
  const type = positionals[0];
  if (!type) fail("trigger needs an event TYPE, e.g. dispute_received");
  if (!values.payment) fail("trigger needs --payment pay_…");
  const event = (await control("/_sandbox/trigger", values.url ?? "", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type, payment: values.payment }),
  })) as { id: string; type: string };
  process.stdout.write(`sent ${event.type} ${event.id}\n`);
}

async function events(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: "string", default: "http://127.0.0.1:3100" } },
  });
  const body = (await control("/_sandbox/events", values.url ?? "")) as {
    data: Array<{ id: string; type: string; subject: string; created_on: string }>;
  };
  if (body.data.length === 0) process.stdout.write("no events yet\n");
  for (const e of body.data)
    process.stdout.write(`${e.created_on}  ${e.id}  ${e.type.padEnd(32)} ${e.subject}\n`);
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (argv: string[]) => Promise<void>> = { start, trigger, events };
const run = command ? commands[command] : undefined;
if (!run) fail(command ? `unknown command "${command}"` : "missing command");
run(rest).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
