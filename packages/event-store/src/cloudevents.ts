import { InvalidEventError } from './errors.js';
import type { OutboxEvent } from './outbox.js';
import type { EventMetadata } from './types.js';

/**
 * CloudEvents 1.0, Kafka protocol binding, binary content mode: attributes travel as `ce_` headers,
 * the value is the event data as JSON, and `content-type` carries datacontenttype. Extension
 * attributes (lowercase, as the spec requires) carry the rest of the event's metadata. W3C trace
 * context goes in plain `traceparent`/`tracestate` headers, where tracing libraries look for it.
 */
export const HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  subject: 'ce_subject',
  time: 'ce_time',
  contentType: 'content-type',
  schemaversion: 'ce_schemaversion',
  correlationid: 'ce_correlationid',
  causationid: 'ce_causationid',
  actor: 'ce_actor',
  organizationid: 'ce_organizationid',
  ipaddress: 'ce_ipaddress',
  useragent: 'ce_useragent',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** Each metadata field and the header that carries it (every field of EventMetadata has one). */
const METADATA_HEADERS: Record<keyof EventMetadata, string> = {
  correlationId: HEADERS.correlationid,
  causationId: HEADERS.causationid,
  actor: HEADERS.actor,
  organizationId: HEADERS.organizationid,
  ipAddress: HEADERS.ipaddress,
  userAgent: HEADERS.useragent,
  traceparent: HEADERS.traceparent,
  tracestate: HEADERS.tracestate,
};

export interface KafkaRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function toKafkaRecord(event: OutboxEvent, source: string): KafkaRecord {
  const headers: Record<string, string> = {
    [HEADERS.specversion]: '1.0',
    [HEADERS.id]: event.id,
    [HEADERS.type]: event.type,
    [HEADERS.source]: source,
    [HEADERS.subject]: event.streamId,
    [HEADERS.time]: event.recordedAt.toISOString(),
    [HEADERS.contentType]: 'application/json',
    [HEADERS.schemaversion]: String(event.schemaVersion),
  };
  for (const [key, header] of Object.entries(METADATA_HEADERS)) {
    const value = event.metadata[key as keyof EventMetadata];
    if (value) headers[header] = value;
  }
  return { key: event.streamId, value: event.data, headers };
}

/** An event read back from a Kafka record; `data` is parsed JSON, not yet checked against a contract. */
export interface ReceivedEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: Date;
  schemaVersion: number;
  metadata: EventMetadata;
  data: unknown;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export function fromKafkaRecord(record: {
  value: Buffer | null;
  headers?: Record<string, HeaderValue>;
}): ReceivedEvent {
  const headers = record.headers ?? {};
  const get = (name: string): string | undefined => {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  };
  const required = (name: string): string => {
    const value = get(name);
    if (!value) throw new InvalidEventError(`missing header ${name}`);
    return value;
  };
  if (required(HEADERS.specversion) !== '1.0')
    throw new InvalidEventError(`unsupported ${HEADERS.specversion} ${get(HEADERS.specversion)}`);
  const contentType = get(HEADERS.contentType);
  if (contentType && !contentType.startsWith('application/json'))
    throw new InvalidEventError(`unsupported content-type ${contentType}`);
  const time = new Date(required(HEADERS.time));
  if (Number.isNaN(time.getTime())) throw new InvalidEventError(`bad ${HEADERS.time} ${get(HEADERS.time)}`);
  let data: unknown;
  try {
    data = record.value === null ? null : JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    throw new InvalidEventError(`value is not JSON: ${(error as Error).message}`);
  }
  const metadata: EventMetadata = {};
  for (const [key, header] of Object.entries(METADATA_HEADERS)) {
    const value = get(header);
    if (value !== undefined) metadata[key as keyof EventMetadata] = value;
  }
  return {
    id: required(HEADERS.id),
    type: required(HEADERS.type),
    source: required(HEADERS.source),
    subject: get(HEADERS.subject) ?? '',
    time,
    schemaVersion: Number(get(HEADERS.schemaversion) ?? '1'),
    metadata,
    data,
  };
}
