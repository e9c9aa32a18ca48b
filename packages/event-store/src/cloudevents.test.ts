import { Kafka as CloudEventsKafka, type CloudEvent, type KafkaMessage } from 'cloudevents';
import { fromKafkaRecord, toKafkaRecord } from './cloudevents.js';
import { InvalidEventError } from './errors.js';
import type { OutboxEvent } from './outbox.js';

const event: OutboxEvent = {
  position: 42,
  transactionId: '1000',
  streamId: 'contact-7',
  streamVersion: 3,
  id: '6f1c8a52-5f0e-4a8e-9b0e-2f5d8f1d1a01',
  type: 'ContactCreated',
  schemaVersion: 2,
  data: '{"contactId": "contact-7", "name": "Ada"}',
  metadata: {
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    actor: 'user:u_1',
    organizationId: 'org_9',
    ipAddress: '198.51.100.7',
    userAgent: 'integration/2.1 (+https://example.com)',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  },
  recordedAt: new Date('2026-11-22T10:00:00.123Z'),
};

describe('CloudEvents binary mode on Kafka', () => {
  it('maps an event to ce_ headers, the stream id as key and the data as JSON value', () => {
    const record = toKafkaRecord(event, 'crm');
    expect(record.key).toBe('contact-7');
    expect(JSON.parse(record.value)).toEqual({ contactId: 'contact-7', name: 'Ada' });
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: 'ContactCreated',
      ce_source: 'crm',
      ce_subject: 'contact-7',
      ce_time: '2026-11-22T10:00:00.123Z',
      'content-type': 'application/json',
      ce_schemaversion: '2',
      ce_correlationid: 'corr-1',
      ce_causationid: 'cmd-1',
      ce_actor: 'user:u_1',
      ce_organizationid: 'org_9',
      ce_ipaddress: '198.51.100.7',
      ce_useragent: 'integration/2.1 (+https://example.com)',
      traceparent: event.metadata.traceparent,
    });
  });

  it('omits metadata headers that the event does not carry', () => {
    const record = toKafkaRecord({ ...event, metadata: {} }, 'crm');
    expect(Object.keys(record.headers).sort()).toEqual(
      [
        'ce_id',
        'ce_schemaversion',
        'ce_source',
        'ce_specversion',
        'ce_subject',
        'ce_time',
        'ce_type',
        'content-type',
      ].sort(),
    );
  });

  it('produces messages the CloudEvents SDK reads as valid 1.0 events', () => {
    const record = toKafkaRecord(event, 'crm');
    const message: KafkaMessage = {
      key: record.key,
      value: Buffer.from(record.value),
      headers: record.headers,
      body: undefined,
    };
    const parsed = CloudEventsKafka.toEvent(message);
    const ce = (Array.isArray(parsed) ? parsed[0] : parsed) as CloudEvent<unknown>;
    expect(ce.validate()).toBe(true);
    expect(ce).toMatchObject({
      specversion: '1.0',
      id: event.id,
      type: 'ContactCreated',
      source: 'crm',
      subject: 'contact-7',
      datacontenttype: 'application/json',
      schemaversion: '2',
      correlationid: 'corr-1',
      ipaddress: '198.51.100.7',
    });
    expect(ce.data).toEqual({ contactId: 'contact-7', name: 'Ada' });
  });

  it('reads back what it wrote, Buffers included', () => {
    const record = toKafkaRecord(event, 'crm');
    const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaRecord({ value: Buffer.from(record.value), headers })).toEqual({
      id: event.id,
      type: 'ContactCreated',
      source: 'crm',
      subject: 'contact-7',
      time: event.recordedAt,
      schemaVersion: 2,
      metadata: event.metadata,
      data: { contactId: 'contact-7', name: 'Ada' },
    });
  });

  it.each([
    ['a missing ce_id', { ce_id: undefined }, /missing header ce_id/],
    ['another spec version', { ce_specversion: '0.3' }, /unsupported ce_specversion/],
    ['a non-JSON content type', { 'content-type': 'text/plain' }, /unsupported content-type/],
    ['a bad time', { ce_time: 'yesterday' }, /bad ce_time/],
  ])('refuses a message with %s', (_, change, message) => {
    const headers = { ...toKafkaRecord(event, 'crm').headers, ...change };
    expect(() => fromKafkaRecord({ value: Buffer.from('{}'), headers })).toThrow(message);
  });

  it('refuses a value that is not JSON', () => {
    const { headers } = toKafkaRecord(event, 'crm');
    expect(() => fromKafkaRecord({ value: Buffer.from('{nope'), headers })).toThrow(InvalidEventError);
  });
});
