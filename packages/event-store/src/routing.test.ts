import { UnroutableEventError } from './errors.js';
import { kafkaFromEnv } from './kafka.js';
import { topicOf } from './routing.js';

describe('topic routing', () => {
  it('routes a contract event to <domain>.<aggregate>', () => {
    expect(topicOf({ type: 'UserRegistered', streamId: 'u1' })).toBe('identity.user');
    expect(topicOf({ type: 'MemberAdded', streamId: 'o1' })).toBe('identity.organization');
  });

  it('uses the fallback for types outside the contracts, and the contract wins over it', () => {
    const fallback = (e: { type: string }) => `test.${e.type.toLowerCase()}`;
    expect(topicOf({ type: 'WidgetMade', streamId: 'w1' }, fallback)).toBe('test.widgetmade');
    expect(topicOf({ type: 'UserRegistered', streamId: 'u1' }, fallback)).toBe('identity.user');
  });

  it('refuses an unknown type without a fallback', () => {
    expect(() => topicOf({ type: 'WidgetMade', streamId: 'w1' })).toThrow(UnroutableEventError);
    expect(() => topicOf({ type: 'WidgetMade', streamId: 'w1' }, () => undefined)).toThrow(
      UnroutableEventError,
    );
  });
});

describe('kafkaFromEnv', () => {
  it('reads a comma-separated broker list, and nothing when unset or blank', () => {
    expect(kafkaFromEnv({ KAFKA_BROKERS: 'a:1, b:2,' })).toEqual({ brokers: ['a:1', 'b:2'] });
    expect(kafkaFromEnv({})).toBeUndefined();
    expect(kafkaFromEnv({ KAFKA_BROKERS: ' ' })).toBeUndefined();
  });
});
