/** OpenTelemetry through `@opentelemetry/api` only: a no-op until the app registers an SDK. */
export { type BacklogGaugeOptions, registerBacklogGauges } from "./backlog.js";
export { METRICS as METRIC_NAMES } from "./metrics.js";
export { ATTR as SPAN_ATTRIBUTES, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from "./tracer.js";
