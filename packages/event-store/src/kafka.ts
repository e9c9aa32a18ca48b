import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import pino, { type Logger } from 'pino';

/** How to reach the brokers; or pass a ready kafkajs `Kafka` instance. */
export interface KafkaConnection {
  brokers: string[];
  clientId?: string;
}

export const defaultLogger: Logger = pino({ name: '@seren/event-store' });

// Short, bounded retries: the relay and the consumers own the outer retry loop (they reconnect and
// resend from their checkpoint), so a broker outage never wedges a call for minutes and `stop()`
// stays prompt.
export const clientRetry: RetryOptions = { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 };

export function kafkaOf(connection: KafkaConnection | Kafka, clientId: string, logger: Logger): Kafka {
  if (connection instanceof Kafka) return connection;
  return new Kafka({
    clientId: connection.clientId ?? clientId,
    brokers: connection.brokers,
    retry: clientRetry,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => logKafka(logger, entry),
  });
}

function logKafka(logger: Logger, { level, label, log }: LogEntry): void {
  const { message, ...extra } = log;
  // Our producers bound their retries on purpose (see above); duplicates that a resend may create
  // are absorbed by the consumers' processed-event table, so this warning is not news.
  if (message.startsWith('Limiting retries for the idempotent producer')) return;
  const entry = { kafka: extra, kafkaLevel: label };
  if (level === logLevel.ERROR) logger.error(entry, message);
  else if (level === logLevel.WARN) logger.warn(entry, message);
  else logger.debug(entry, message);
}

/** Parses `KAFKA_BROKERS` (comma-separated host:port); undefined when unset or blank. */
export function kafkaFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnection | undefined {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  return brokers.length > 0 ? { brokers } : undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
