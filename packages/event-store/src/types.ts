/** What `decide` returns and `evolve` takes: a plain typed record. */
export interface EventShape<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * Context carried with every event. `actor` names who caused it as `<kind>:<id>` (e.g. `user:u_1`,
 * `agent:a_2`, `system:relay`); `traceparent`/`tracestate` are W3C trace context. `organizationId`,
 * `ipAddress` and `userAgent` say where the request that caused it came from: the audit log, a
 * consumer in another service, needs them, so they travel on Kafka like the rest (cloudevents.ts).
 */
export interface EventMetadata {
  causationId?: string;
  correlationId?: string;
  actor?: string;
  organizationId?: string;
  ipAddress?: string;
  userAgent?: string;
  traceparent?: string;
  tracestate?: string;
}

/** An event to append. `id` defaults to a random UUID, `schemaVersion` to the contract's version (or 1). */
export type NewEvent<E extends EventShape = EventShape> = E & {
  readonly id?: string;
  readonly schemaVersion?: number;
  readonly metadata?: EventMetadata;
};

/** An event as stored in the `events` table. */
export type StoredEvent<E extends EventShape = EventShape> = E & {
  readonly id: string;
  /** Global position (from a sequence): unique and increasing, but NOT commit order; see relay.ts. */
  readonly position: number;
  readonly streamId: string;
  /** 1 for the first event of a stream. */
  readonly streamVersion: number;
  readonly schemaVersion: number;
  readonly metadata: EventMetadata;
  readonly recordedAt: Date;
};
