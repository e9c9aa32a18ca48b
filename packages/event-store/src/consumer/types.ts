import type { EventContract } from '@seren/contracts';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { KafkaConnection } from '../kafka.js';
import type { TopicFallback } from '../routing.js';
import type { EventMetadata } from '../types.js';
import type { RetentionPolicy } from './retention.js';

/** What a handler receives, whichever transport fed it. */
export interface ConsumedEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  /** Checked against the event's contract when the type is known. */
  data: Data;
  schemaVersion: number;
  /** The producing service. */
  source: string;
  /** The stream (aggregate) id; also the Kafka message key. */
  subject: string;
  /** When the event was recorded. */
  time: Date;
  metadata: EventMetadata;
  topic: string;
}

/** The union of typed events for a list of contracts. */
export type ConsumedEventOf<Cs extends readonly EventContract[]> = {
  [K in keyof Cs]: Cs[K] extends EventContract<infer T, infer S> ? ConsumedEvent<T, z.infer<S>> : never;
}[number];

export interface HandlerContext {
  /**
   * Manager of an open transaction on the consumer's database; the processed-event row is written
   * in it. Consecutive events may share the transaction: never commit or roll it back yourself.
   */
  manager: EntityManager;
}

export type Handler<E> = (event: E, context: HandlerContext) => Promise<void>;

export interface RetryPolicy {
  /** Attempts in all before the message is dead-lettered (default 4). */
  attempts?: number;
  /** Delay before the second attempt; doubles each time (default 100 ms). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** A producing service's database, read directly when there is no Kafka. */
export interface FeedSource {
  /** The producing service (it becomes the event's `source`, like `ce_source` on Kafka). */
  name: string;
  url?: string;
  dataSource?: DataSource;
}

export interface ConsumerOptions<Cs extends readonly EventContract[] = readonly EventContract[]> {
  /** Consumer group: each group sees every event once in effect. Names its dead-letter topic `dlq.<groupId>`. */
  groupId: string;
  /** Topics (`<domain>.<aggregate>`) to consume. */
  topics: readonly string[];
  /** The consumer's own database: handler transactions, processed ids, checkpoints, dead letters (PostgreSQL mode). */
  dataSource: DataSource;
  /** The event types to handle, for typing; other types on the topics are skipped. Omit to get all. */
  events?: Cs;
  handler: Handler<ConsumedEventOf<Cs>>;
  retry?: RetryPolicy;
  logger?: Logger;
  /** Brokers: set → Kafka mode. Unset → PostgreSQL mode from `sources` (one machine only). */
  kafka?: KafkaConnection | Kafka;
  /** PostgreSQL mode: the producing services' databases. */
  sources?: readonly FeedSource[];
  /** PostgreSQL mode: the relay's topic fallback for types outside @seren/contracts (to match `topics`). */
  topicFor?: TopicFallback;
  /**
   * Consecutive events handled in one transaction (default 100): commits dominate the cost of a
   * small handler. A handler that throws still fails alone (see EventProcessor).
   */
  maxEventsPerTransaction?: number;
  /** Kafka mode: kafkajs consumer settings (e.g. sessionTimeout); groupId is always `groupId`. */
  kafkaConsumer?: Partial<Omit<ConsumerConfig, 'groupId'>>;
  /** Kafka mode: partitions handled in parallel (default 1). Order per key holds either way. */
  partitionsConsumedConcurrently?: number;
  /** PostgreSQL mode: events read per query (default 200). */
  batchSize?: number;
  /** PostgreSQL mode: poll when no NOTIFY arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** PostgreSQL mode: how often a standby process tries to take a source (default 1000 ms). */
  lockRetryMs?: number;
  /** How long processed-event ids are kept against redelivery (default 7 days; pruned hourly). */
  retention?: RetentionPolicy;
}

export interface Consumer {
  readonly transport: 'kafka' | 'postgres';
  start(): Promise<void>;
  /** Finishes the event in hand, commits what finished, and stops. */
  stop(): Promise<void>;
}
