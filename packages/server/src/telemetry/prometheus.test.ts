import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metrics } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness } from "../test-support/harness.js";
import { registerBacklogGauges } from "./backlog.js";

/**
 * The README's Prometheus example, run: the merchant's MeterProvider with a PrometheusExporter,
 * registered before Handoff opens, and the backlog gauges on Handoff's database. The exporter's
 * handler is mounted on a server of the test's (port 0) instead of its own on 9464.
 */
let h: Harness;
let server: Server;
let url: string;
let stopGauges: () => void;
let prometheus: PrometheusExporter;

beforeAll(async () => {
  prometheus = new PrometheusExporter({ preventServerStart: true });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheus] }));
  h = await startHarness();
  stopGauges = registerBacklogGauges({ db: h.db });
  server = createServer((req, res) => prometheus.getMetricsRequestHandler(req, res));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  stopGauges();
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await h.close();
  await prometheus.shutdown();
  metrics.disable();
});

it("scrapes confirm outcomes, processor latency and the backlogs", async () => {
  const cartId = await h.cart();
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  expect(reply.status).toBe(200);
  const text = await (await fetch(url)).text();
  // Each series also carries otel_scope_name="@handoff/server" and its version.
  const series = (name: string, labels: string) => new RegExp(`^${name}\\{${labels}[,}].*\\} (\\d+)$`, "m");
  expect(text).toMatch(series("handoff_confirm_outcomes_total", 'outcome="approved"'));
  expect(text.match(series("handoff_confirm_outcomes_total", 'outcome="approved"'))?.[1]).toBe("1");
  expect(text).toMatch(series("handoff_processor_duration_count", 'operation="POST /payments",result="ok"'));
  expect(text).toMatch(series("handoff_processor_duration_bucket", 'operation="POST /payments",result="ok"'));
  expect(text).toMatch(series("handoff_inbox_backlog", 'status="received"'));
  expect(text).toMatch(series("handoff_outbox_backlog", 'stage="fan_out"'));
  expect(text).toContain('otel_scope_name="@handoff/server"');
});
