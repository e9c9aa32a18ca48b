import { z } from 'zod';
import type { EventContract } from './define.js';
import { topicFor } from './define.js';
import { allEvents } from './registry.js';

type Json = Record<string, unknown>;

const KAFKA_BINDING_VERSION = '0.5.0';

/** `identity.user` → `identity_user`: AsyncAPI component keys take letters, digits, `_`, `-`, `.`. */
const channelId = (topic: string) => topic.replace(/[^\w-]/g, '_');

/** The CloudEvents 1.0 binary-mode headers every message carries (see packages/event-store). */
function cloudEventHeaders(contract: EventContract): Json {
  return {
    type: 'object',
    required: ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_subject', 'ce_time', 'content-type'],
    properties: {
      ce_specversion: { type: 'string', const: '1.0' },
      ce_id: {
        type: 'string',
        description: 'event id, unique; consumers record it to process each event once',
      },
      ce_type: { type: 'string', const: contract.type },
      ce_source: { type: 'string', description: 'the producing service, e.g. `identity`' },
      ce_subject: { type: 'string', description: 'the aggregate stream id, also the message key' },
      ce_time: { type: 'string', format: 'date-time', description: 'when the event was recorded' },
      ce_schemaversion: { type: 'string', const: String(contract.version) },
      ce_correlationid: { type: 'string' },
      ce_causationid: { type: 'string' },
      ce_actor: { type: 'string', description: 'who caused the event, `<kind>:<id>` (e.g. `user:u_1`)' },
      ce_organizationid: { type: 'string', description: 'the organization the request acted in' },
      ce_ipaddress: { type: 'string', description: "the client's IP address, for the audit log" },
      ce_useragent: { type: 'string', description: "the client's user agent, for the audit log" },
      'content-type': { type: 'string', const: 'application/json' },
      traceparent: { type: 'string', description: 'W3C trace context' },
      tracestate: { type: 'string' },
    },
  };
}

function payloadOf(contract: EventContract): Json {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(contract.schema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Json;
  return schema;
}

/**
 * The AsyncAPI 3.0 document of the suite's event streams, generated from the contracts: one channel
 * per topic (`<domain>.<aggregate>`), one message per event type with its JSON Schema, CloudEvents
 * headers, and Kafka bindings whose key is the aggregate id.
 */
export function asyncApiDocument(events: readonly EventContract[] = allEvents): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const byTopic = new Map<string, EventContract[]>();
  for (const contract of events) {
    const topic = topicFor(contract);
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), contract]);
  }
  for (const [topic, contracts] of [...byTopic].sort(([a], [b]) => a.localeCompare(b))) {
    const id = channelId(topic);
    const [first] = contracts;
    channels[id] = {
      address: topic,
      title: topic,
      description: `Events of the ${first!.domain} ${first!.aggregate} aggregate, in order per aggregate (partitioned by its id).`,
      messages: Object.fromEntries(
        contracts.map((c) => [c.type, { $ref: `#/components/messages/${c.type}` }]),
      ),
      bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    operations[`receive_${id}`] = {
      action: 'receive',
      title: `Consume ${topic}`,
      summary: `What a consumer of ${topic} receives.`,
      channel: { $ref: `#/channels/${id}` },
      messages: contracts.map((c) => ({ $ref: `#/channels/${id}/messages/${c.type}` })),
      bindings: {
        kafka: {
          groupId: { type: 'string', description: 'your own consumer group' },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    for (const contract of contracts) {
      messages[contract.type] = {
        name: contract.type,
        title: contract.type,
        summary: contract.description,
        contentType: 'application/json',
        headers: cloudEventHeaders(contract),
        payload: payloadOf(contract),
        bindings: {
          kafka: {
            key: {
              type: 'string',
              description: `the ${contract.aggregate} aggregate id (its stream id, as ce_subject)`,
            },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
        'x-schema-version': contract.version,
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Seren event streams',
      version: '1.0.0',
      description:
        'Domain events of the Seren suite on Kafka, as CloudEvents 1.0 in binary mode: `ce_*` headers, JSON value, ' +
        'key = aggregate id. Topics are `<domain>.<aggregate>`; events of one aggregate keep their order. ' +
        'Generated from packages/contracts.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: 'localhost:19092',
        protocol: 'kafka',
        description: 'the broker of your environment (KAFKA_BROKERS); this host is the local test broker',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
