export * from './errors.js';
export type * from './types.js';
export * from './store.js';
export * from './projections.js';
export * from './migrations/index.js';
export * from './relay.js';
export * from './consumer/index.js';
export {
  HEADERS as CLOUDEVENT_HEADERS,
  toKafkaRecord,
  fromKafkaRecord,
  type KafkaRecord,
  type ReceivedEvent,
} from './cloudevents.js';
export { READ_COMMITTED_SQL, type Checkpoint, type OutboxEvent } from './outbox.js';
export { topicOf, type TopicFallback } from './routing.js';
export { kafkaFromEnv, type KafkaConnection } from './kafka.js';
export { clientConfigOf } from './connection.js';
