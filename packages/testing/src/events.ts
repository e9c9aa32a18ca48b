import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { infraEndpoints } from './endpoints.js';

/** An event as a consuming team sees it on Kafka: CloudEvents binary-mode headers plus the JSON value. */
export interface ReceivedEvent {
  topic: string;
  key: string | null;
  id: string | undefined;
  type: string | undefined;
  source: string | undefined;
  subject: string | undefined;
  headers: Record<string, string>;
  data: unknown;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      Array.isArray(value) ? String(value[0]) : String(value),
    ]),
  );
}

/**
 * Resolves with the first event on `topic` that matches `predicate`, reading the topic from the
 * beginning (so an event published before the call is found too). Rejects after `timeoutMs`.
 */
export async function waitForEvent(
  topic: string,
  predicate: (event: ReceivedEvent) => boolean,
  { timeoutMs = 30_000, brokers = infraEndpoints().kafkaBrokers } = {},
): Promise<ReceivedEvent> {
  const kafka = new Kafka({ clientId: 'test-wait', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-wait-${randomUUID()}` });
  await consumer.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    // the topic may not exist yet, or have no leader yet (the relay's first event creates it): the
    // broker's answer is a retriable error until then
    for (;;) {
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        break;
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    return await new Promise<ReceivedEvent>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching event on ${topic} within ${timeoutMs} ms`)),
        Math.max(0, deadline - Date.now()),
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const headers = headersOf(message.headers);
            const event: ReceivedEvent = {
              topic,
              key: message.key?.toString() ?? null,
              id: headers.ce_id,
              type: headers.ce_type,
              source: headers.ce_source,
              subject: headers.ce_subject,
              headers,
              data: message.value ? JSON.parse(message.value.toString()) : null,
            };
            if (predicate(event)) {
              clearTimeout(timer);
              resolve(event);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
