import { defineEvent, UserRegistered } from '@seren/contracts';
import { z } from 'zod';
import type { ReceivedEvent } from '../cloudevents.js';
import { InvalidEventError } from '../errors.js';
import { contractLookup } from '../contracts.js';
import { toConsumedEvent } from './event.js';
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
      toConsumedEvent(received('UserRegistered', user), 'identity.user', contractLookup(undefined)),
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
        contractLookup([UserRegistered]),
      ),
    ).toThrow(InvalidEventError);
  });

  it('refuses a schema version newer than the consumer knows', () => {
    expect(() =>
      toConsumedEvent(received('UserRegistered', user, 2), 't', contractLookup(undefined)),
    ).toThrow(/v2 is newer than this reader's contract \(v1\)/);
  });

  // A contract at v3 whose v1 had `fullName` and v2 split it; v2 → v3 added `locale`.
  const PersonNamed = defineEvent({
    type: 'PersonNamed',
    version: 3,
    domain: 'crm',
    aggregate: 'person',
    description: 'test contract',
    schema: z.object({ firstName: z.string(), lastName: z.string(), locale: z.string() }),
    upcasters: {
      1: (d) => {
        const [firstName = '', ...rest] = String((d as { fullName: string }).fullName).split(' ');
        return { firstName, lastName: rest.join(' ') };
      },
      2: (d) => ({ ...(d as object), locale: 'en' }),
    },
  });

  it('upcasts data of an older schema version to the contract version before checking it', () => {
    const consumed = toConsumedEvent(
      received('PersonNamed', { fullName: 'Ada King Lovelace' }, 1),
      'crm.person',
      contractLookup([PersonNamed]),
    );
    expect(consumed).toMatchObject({
      schemaVersion: 3,
      data: { firstName: 'Ada', lastName: 'King Lovelace', locale: 'en' },
    });
  });

  it('refuses an old version whose upcast result breaks the contract', () => {
    expect(() =>
      toConsumedEvent(received('PersonNamed', { firstName: 1 }, 2), 't', contractLookup([PersonNamed])),
    ).toThrow(/does not match its contract/);
  });

  it('passes a type outside the contracts unchecked', () => {
    expect(toConsumedEvent(received('WidgetMade', { any: 1 }), 't', contractLookup(undefined)).data).toEqual({
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
