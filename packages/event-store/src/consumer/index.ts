import type { EventContract } from '@seren/contracts';
import { defaultLogger } from '../kafka.js';
import { KafkaConsumer } from './kafka.js';
import { PostgresFeedConsumer } from './postgres-feed.js';
import { ProcessedEventsPruner } from './retention.js';
import type { Consumer, ConsumerOptions } from './types.js';

export type * from './types.js';
export { ProcessedEventsPruner, type RetentionPolicy } from './retention.js';

/**
 * The one place the transport is chosen: Kafka when `kafka` is set (from KAFKA_BROKERS, see
 * `kafkaFromEnv`), otherwise the producing services' events tables in PostgreSQL (`sources`).
 * The handler and everything above it are the same in both modes.
 */
export function createConsumer<const Cs extends readonly EventContract[] = readonly EventContract[]>(
  options: ConsumerOptions<Cs>,
): Consumer {
  const base = options as unknown as ConsumerOptions;
  let consumer: Consumer;
  if (base.kafka) consumer = new KafkaConsumer({ ...base, kafka: base.kafka });
  else if (base.sources?.length) consumer = new PostgresFeedConsumer({ ...base, sources: base.sources });
  else
    throw new Error(
      `consumer ${options.groupId}: set kafka (KAFKA_BROKERS) or sources (the producing services' databases)`,
    );
  return withPruning(consumer, base);
}

/** The consumer, plus the periodic pruning of its group's processed-event ids while it runs. */
function withPruning(consumer: Consumer, options: ConsumerOptions): Consumer {
  const logger = options.logger ?? defaultLogger;
  const pruner = new ProcessedEventsPruner(options.groupId, options.dataSource, logger, options.retention);
  return {
    transport: consumer.transport,
    async start() {
      await consumer.start();
      pruner.start();
    },
    async stop() {
      await pruner.stop();
      await consumer.stop();
    },
  };
}
