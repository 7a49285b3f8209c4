/**
 * `@handoff/server`: use cases, stores, the Checkout.com processor, webhooks and the outbox, with no
 * HTTP framework. Adapters and drivers are subpaths, each loading only what it needs:
 * `@handoff/server/express`, `/node` (node:http), `/fetch` (Request → Response, no Node built-ins),
 * `/sqlite`, `/postgres`. `openDatabase(url)` loads the driver its URL names.
 */
export {
  ConfigError,
  type ConfigProblem,
  describeDatabaseUrl,
  ENV_VARIABLES,
  type EnvVariable,
  loadConfig,
  processingChannelFor,
  type ServerConfig,
  type TrustProxy,
} from "./config.js";
export { confirm, idempotencyKeyFor } from "./confirm/use-case.js";
export {
  ConfirmVelocity,
  type ConfirmVelocityOptions,
  DEFAULT_VELOCITY,
  type HitCounter,
  MemoryHitCounter,
  SqlHitCounter,
  type VelocityLimits,
} from "./confirm/velocity.js";
export { migrate } from "./db/migrate.js";
export { openDatabase } from "./db/open.js";
export type { PostgresOptions } from "./db/postgres.js";
export {
  ConstraintError,
  type Dialect,
  executorOf,
  type SqlClient,
  type SqlExecutor,
  type SqlResult,
  type SqlStatement,
  type SqlValue,
  StoreUnavailableError,
  type TransactionHandle,
} from "./db/sql-client.js";
export { isPostgresUrl } from "./db/url.js";
export type { CheckoutSettings, HandoffDeps, Logger } from "./deps.js";
export { createHandoff, type Handoff } from "./handoff.js";
export { Health, type Lifecycle } from "./health.js";
export { clientAddress, compileTrust, type TrustedHop } from "./http/client-address.js";
export { type CspDirectives, cspHeader, handoffCsp } from "./http/csp.js";
export type {
  Inventory,
  PricedCart,
  ReserveResult,
  StockShortfall,
  StoreTransaction,
} from "./inventory/port.js";
export { type CartItems, cartItemsSchema, type Product, SqlInventory } from "./inventory/sql-inventory.js";
export { type FullLogger, toLogger } from "./logger.js";
export { type HandoffService, type OpenedHandoff, type OpenHandoffOptions, openHandoff } from "./open.js";
export {
  acceptDispute,
  type EvidenceInput,
  isChargeback,
  orderOfDispute,
  submitDisputeEvidence,
} from "./orders/disputes.js";
export {
  type OrderEvent,
  type OrderEventListener,
  OrderEvents,
  type OrderEventType,
} from "./orders/events.js";
export type { Attempt, AttemptStatus, Order, OrderLine, TimelineEntry } from "./orders/model.js";
export { isPaid } from "./orders/model.js";
export { livePayment, type OperatorAction, releaseReview, requestOperatorAction } from "./orders/operator.js";
export { reconcileStuckAttempts, type SweepOptions, type SweepResult } from "./orders/reconcile.js";
export { type Settled, type SettleInput, type Settlement, settle } from "./orders/settle.js";
export { signalFromPayment } from "./orders/signal-from-payment.js";
export { isFinal, PAYMENT_SIGNALS, type PaymentSignal, transition } from "./orders/state-machine.js";
export {
  type Destination,
  type DestinationConditions,
  type DestinationInput,
  DestinationsFileError,
  destinationInputSchema,
  loadDestinationsFile,
  toDestination,
  wants,
} from "./outbox/destinations.js";
export {
  DestinationNetwork,
  type DestinationNetworkOptions,
  DestinationRefusedError,
} from "./outbox/network.js";
export { RETRY_SCHEDULE_MS } from "./outbox/schedule.js";
export { createOutbox, type Outbox, type OutboxOptions } from "./outbox/setup.js";
export { DestinationSecretError, newDestinationSecret, signatureHeader } from "./outbox/sign.js";
export type { Delivery, DeliveryAttempt, DeliveryStatus, SqlOutbox } from "./outbox/sql-outbox.js";
export { OutboxWorker, type OutboxWorkerOptions } from "./outbox/worker.js";
export {
  type CheckoutComOptions,
  CheckoutComProcessor,
  SETTLEMENT_OAUTH_SCOPES,
} from "./processor/checkout-com.js";
export type {
  CurrencyBalance,
  PaymentOutcome,
  PaymentProcessor,
  ProcessorCall,
  ReportDetails,
  SettlementSource,
} from "./processor/port.js";
export type { RetryPolicy } from "./processor/retry.js";
export type { ApiReply } from "./reply.js";
export { createSession } from "./session/use-case.js";
export { formatDecimal, parseDecimal } from "./settlement/decimal.js";
export type { SettlementLine } from "./settlement/lines.js";
export {
  readProblems,
  type SettlementProblem,
  type SettlementProblemCode,
} from "./settlement/problems.js";
export { createSettlement, type SettlementOptions, type SettlementService } from "./settlement/setup.js";
export type { FeeItem, SettlementStatus } from "./settlement/status.js";
export {
  type ExceptionKind,
  type Exceptions,
  ExceptionsCursorError,
  PayoutCursorError,
  type PayoutOrder,
  type PayoutOrdersPage,
  SqlSettlementStore,
  type StoredLine,
  type StoredOrderSettlement,
  type StoredPayout,
} from "./settlement/store.js";
export {
  type CustomerTotals,
  customerTotals,
  disputesOfOrders,
  type OrderDispute,
  orderCurrencies,
  timelinePage,
} from "./store/ops-reads.js";
export type { OrderSearch, OrderSearchPage, OrderStore, OrderTransaction } from "./store/port.js";
export { ORDER_COUNT_LIMIT } from "./store/port.js";
export { SqlOrderStore } from "./store/sql-store.js";
export {
  type BacklogGaugeOptions,
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  METRIC_NAMES,
  registerBacklogGauges,
  SPAN_ATTRIBUTES,
} from "./telemetry/index.js";
export { threeDsReturn } from "./three-ds/use-case.js";
export {
  INBOX_STATUSES,
  type InboxStatus,
  SqlWebhookInbox,
  type StoredInboxEvent,
} from "./webhooks/inbox.js";
export { createWebhookReceiver, type IncomingWebhook, type WebhookReceiver } from "./webhooks/receive.js";
export { createWebhooks, type Webhooks, type WebhooksOptions } from "./webhooks/setup.js";
export {
  CheckoutSignatureError,
  checkSignature,
  signTestWebhook,
  verifyCheckoutSignature,
} from "./webhooks/verify.js";
export { WebhookWorker, type WorkerOptions } from "./webhooks/worker.js";
