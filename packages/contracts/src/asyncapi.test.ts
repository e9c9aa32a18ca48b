import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument } from './asyncapi';
import { allEvents, topicFor } from './index';

const committed = join(__dirname, '..', 'asyncapi.json');

describe('AsyncAPI document of the event streams', () => {
  const document = asyncApiDocument() as {
    asyncapi: string;
    channels: Record<
      string,
      { address: string; messages: Record<string, unknown>; bindings: { kafka: { topic: string } } }
    >;
    components: {
      messages: Record<
        string,
        { payload: { properties: Record<string, unknown> }; bindings: { kafka: { key: unknown } } }
      >;
    };
  };

  it('has a channel per topic and a message per event type with its schema and Kafka key', () => {
    expect(document.asyncapi).toBe('3.0.0');
    for (const contract of allEvents) {
      const channel = Object.values(document.channels).find((c) => c.address === topicFor(contract));
      expect(channel?.bindings.kafka.topic).toBe(topicFor(contract));
      expect(channel?.messages[contract.type]).toEqual({ $ref: `#/components/messages/${contract.type}` });
      const message = document.components.messages[contract.type]!;
      expect(Object.keys(message.payload.properties).sort()).toEqual(
        Object.keys((contract.schema as unknown as { shape: object }).shape).sort(),
      );
      expect(message.bindings.kafka.key).toBeDefined();
    }
  });

  it('is committed up to date (regenerate: npm run asyncapi --workspace @seren/gateway)', () => {
    const expected = JSON.stringify(document, null, 2) + '\n';
    expect(readFileSync(committed, 'utf8')).toBe(expected);
  });
});
