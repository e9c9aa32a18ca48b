import { z } from 'zod';
import { allEvents, defineEvent, topicFor, upcast, UnknownSchemaVersionError, UserRegistered } from './index';

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

  describe('schema evolution', () => {
    const base = {
      type: 'PriceChanged',
      domain: 'commerce',
      aggregate: 'price',
      description: '',
    } as const;
    const PriceChanged = defineEvent({
      ...base,
      version: 3,
      schema: z.object({ amountCents: z.number(), currency: z.string() }),
      upcasters: {
        1: (d) => ({ amountCents: Math.round((d as { amount: number }).amount * 100) }),
        2: (d) => ({ ...(d as object), currency: 'USD' }),
      },
    });

    it('brings old data up one version at a time', () => {
      expect(upcast(PriceChanged, { amount: 12.5 }, 1)).toEqual({ amountCents: 1250, currency: 'USD' });
      expect(upcast(PriceChanged, { amountCents: 7 }, 2)).toEqual({ amountCents: 7, currency: 'USD' });
      expect(upcast(PriceChanged, { amountCents: 7, currency: 'EUR' }, 3)).toEqual({
        amountCents: 7,
        currency: 'EUR',
      });
    });

    it('refuses a version newer than the contract, and a gap in the chain', () => {
      expect(() => upcast(PriceChanged, {}, 4)).toThrow(UnknownSchemaVersionError);
      const gap = defineEvent({ ...base, version: 3, schema: z.object({}), upcasters: { 2: (d) => d } });
      expect(() => upcast(gap, {}, 1)).toThrow(/no upcaster from v1 to v2/);
    });

    it('refuses upcasters that do not lead to the current version', () => {
      expect(() =>
        defineEvent({ ...base, version: 2, schema: z.object({}), upcasters: { 2: (d) => d } }),
      ).toThrow(/does not lead to v2/);
      expect(() => defineEvent({ ...base, version: 0, schema: z.object({}) })).toThrow(/positive integer/);
    });
  });
});
