import type { CiContext } from "../ci/ci-context.js";
import type { SlogateResult } from "../result/result.js";

/** A step of delivery worth marking in the monitoring backend. */
export type DeliveryEvent =
  | { kind: "deployment"; name: string; version?: string; project?: string; stage?: string; remediationUrl?: string }
  | { kind: "test-start"; name: string; start: string }
  | { kind: "test-finish"; name: string; start: string; end: string }
  | { kind: "gate-result"; result: SlogateResult }
  | { kind: "configuration"; name: string; description?: string }
  | { kind: "info"; title: string; description?: string };

export interface EventDelivery {
  event: DeliveryEvent;
  context: CiContext;
  /** Free-form properties from the user, added last (they cannot replace slogate's own). */
  properties?: Record<string, string>;
  signal?: AbortSignal;
}

/** What the backend did with an event; warnings say why it was not (fully) taken. */
export interface EventReceipt {
  delivered: boolean;
  correlationIds: string[];
  warnings: string[];
}

/** Where delivery events go. One implementation per backend. */
export interface EventSink {
  readonly id: string;
  send(delivery: EventDelivery): Promise<EventReceipt>;
  close?(): Promise<void>;
}
