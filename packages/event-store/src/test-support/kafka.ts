import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';

/** The broker the tests use; they fail (never skip) when it is down. */
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',');

export const testKafka = new Kafka({
  clientId: 'event-store-test',
  brokers: KAFKA_BROKERS,
  logLevel: logLevel.NOTHING,
  retry: { retries: 3, initialRetryTime: 100 },
});

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

export async function createTopics(topics: readonly string[], partitions = 3): Promise<void> {
  const admin = testKafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Kafka is not reachable at ${KAFKA_BROKERS.join(',')} (start it with \`npm run infra:up\`): ${(error as Error).message}`,
    );
  }
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning with a throwaway group until `done(messages)` holds (a number
 * means "at least that many messages"), or fails after `timeoutMs`.
 */
export async function readTopic(
  topic: string,
  done: number | ((messages: readonly RawMessage[]) => boolean),
  timeoutMs = 30_000,
): Promise<RawMessage[]> {
  const enough = typeof done === 'number' ? (m: readonly RawMessage[]) => m.length >= done : done;
  const consumer = testKafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const messages: RawMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read only ${messages.length} messages of ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ topic: t, partition, message }) => {
          messages.push({
            topic: t,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: headersOf(message.headers),
          });
          if (enough(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = (Array.isArray(value) ? value[0]! : value).toString();
  }
  return out;
}

/** Polls until `check` returns true, or throws after `timeoutMs` with `what` in the message. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
