import { z } from 'zod';
import { allEvents, defineEvent, topicFor, UserRegistered } from './index';

describe('event contracts', () => {
  it('rejects an event name that is not in the past tense', () => {
    expect(() =>
      defineEvent({
        type: 'CreateUser',
        version: 1,
        domain: 'identity',
        aggregate: 'user',
        description: '',
        schema: z.object({}),
      }),
    ).toThrow(/past-tense/);
  });

  it('names topics by domain and aggregate', () => {
    expect(topicFor(UserRegistered)).toBe('identity.user');
  });

  it('has unique event type names', () => {
    const names = allEvents.map((c) => c.type);
    expect(new Set(names).size).toBe(names.length);
  });

  it('validates event data with the contract schema', () => {
    const ok = UserRegistered.schema.safeParse({
      userId: 'u1',
      kind: 'human',
      email: 'a@b.co',
      name: 'A',
      personalOrganizationId: 'o1',
      registeredAt: new Date().toISOString(),
    });
    expect(ok.success).toBe(true);
    expect(UserRegistered.schema.safeParse({ userId: 'u1' }).success).toBe(false);
  });
});
