import { UserRegistered } from '@seren/contracts';
import type { ReceivedEvent } from '../cloudevents.js';
import { InvalidEventError } from '../errors.js';
import { contractMap, toConsumedEvent } from './event.js';
import { backoff, defaultRetry } from './processing.js';

const received = (type: string, data: unknown, schemaVersion = 1): ReceivedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  source: 'identity',
  subject: 'u1',
  time: new Date('2026-11-22T00:00:00Z'),
  schemaVersion,
  metadata: {},
  data,
});

const user = {
  userId: 'u1',
  kind: 'human',
  email: 'ada@example.com',
  name: 'Ada',
  personalOrganizationId: 'o1',
  registeredAt: '2026-11-22T00:00:00Z',
};

describe('consumed events', () => {
  it('passes a contract event whose data matches, with the topic', () => {
    expect(
      toConsumedEvent(received('UserRegistered', user), 'identity.user', contractMap(undefined)),
    ).toMatchObject({
      type: 'UserRegistered',
      data: user,
      topic: 'identity.user',
    });
  });

  it('refuses data that breaks the contract', () => {
    expect(() =>
      toConsumedEvent(
        received('UserRegistered', { ...user, kind: 'robot' }),
        't',
        contractMap([UserRegistered]),
      ),
    ).toThrow(InvalidEventError);
  });

  it('refuses a schema version the consumer does not know', () => {
    expect(() => toConsumedEvent(received('UserRegistered', user, 2), 't', contractMap(undefined))).toThrow(
      /v2 is not known/,
    );
  });

  it('passes a type outside the contracts unchecked', () => {
    expect(toConsumedEvent(received('WidgetMade', { any: 1 }), 't', contractMap(undefined)).data).toEqual({
      any: 1,
    });
  });
});

describe('retry backoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    const policy = { ...defaultRetry, initialDelayMs: 100, maxDelayMs: 500 };
    expect([2, 3, 4, 5].map((attempt) => backoff(attempt, policy))).toEqual([100, 200, 400, 500]);
  });
});
