import type { EventContract } from '@seren/contracts';
import { KafkaConsumer } from './kafka.js';
import { PostgresFeedConsumer } from './postgres-feed.js';
import type { Consumer, ConsumerOptions } from './types.js';

export type * from './types.js';

/**
 * The one place the transport is chosen: Kafka when `kafka` is set (from KAFKA_BROKERS, see
 * `kafkaFromEnv`), otherwise the producing services' events tables in PostgreSQL (`sources`).
 * The handler and everything above it are the same in both modes.
 */
export function createConsumer<const Cs extends readonly EventContract[] = readonly EventContract[]>(
  options: ConsumerOptions<Cs>,
): Consumer {
  const base = options as unknown as ConsumerOptions;
  if (base.kafka) return new KafkaConsumer({ ...base, kafka: base.kafka });
  if (!base.sources?.length) {
    throw new Error(
      `consumer ${options.groupId}: set kafka (KAFKA_BROKERS) or sources (the producing services' databases)`,
    );
  }
  return new PostgresFeedConsumer({ ...base, sources: base.sources });
}
