export { installCardFrame } from "./browser/card-frame.js";
export { CARD_FRAME_HTML } from "./browser/card-frame-page.js";
export { type EmulationConfig, installCheckoutWebComponents } from "./browser/components.js";
export { componentsScript } from "./browser/served-scripts.js";
export { behaviourOf, type CardBehaviour, TEST_CARDS, THREE_DS_PASSWORD } from "./cards.js";
export { FAULT_ROUTES, type Fault, type FaultRoute } from "./faults.js";
export type { SandboxAction, SandboxPayment } from "./payments/model.js";
export {
  createSandbox,
  Sandbox,
  type SandboxKeys,
  type SandboxOptions,
} from "./server.js";
export { DEFAULT_FEES, type FeeSchedule } from "./settlement/fees.js";
export type { SettlementConfig, SettlementFaults } from "./settlement/model.js";
export type { SettlementRun } from "./settlement/service.js";
export { type SandboxState, SandboxStateError } from "./state/state-file.js";
export { type ChaosConfig, NO_CHAOS, parseChaos } from "./webhooks/chaos.js";
export { type DeliveryAttempt, RETRY_SCHEDULE_MS, type StoredEvent, signBody } from "./webhooks/delivery.js";
