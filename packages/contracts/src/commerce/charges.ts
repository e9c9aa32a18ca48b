import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI publisher charges (commerce service). A publisher (stream `publisher-<id>`, aggregate
// `publisher`: the minimal record charges need, until the publisher catalog) charges an agent's
// wallet; each charge is stream `charge-<id>`, aggregate `charge`. Every money movement here is
// also one journal entry of commerce's ledger (kinds `charge`, `refund`, `slash`, reference the
// charge id, or the charge id and slash number), posted in the same transaction as the event.
// Amounts are USDC atomic units (6 decimals) as decimal strings of integers.

const id = z.string().min(1);
const at = z.iso.datetime();
const atomic = z.string().regex(/^\d+$/, 'an integer amount of atomic units');

export const PublisherRegistered = defineEvent({
  type: 'PublisherRegistered',
  version: 1,
  domain: 'commerce',
  aggregate: 'publisher',
  description: 'An organization registered a publisher: a slug agents are charged under, its earnings account.',
  schema: z.object({
    publisherId: id,
    slug: id,
    name: z.string().min(1),
    organizationId: id,
    registeredBy: id,
    registeredAt: at,
  }),
});

export const ChargeCreated = defineEvent({
  type: 'ChargeCreated',
  version: 1,
  domain: 'commerce',
  aggregate: 'charge',
  description:
    "A publisher charged an agent's wallet: promotional credit first, then funded credit, credited to the publisher's earnings.",
  schema: z.object({
    chargeId: id,
    publisherId: id,
    agentOrganizationId: id,
    agentWallet: id,
    asset: z.literal('USDC'),
    amountAtomic: atomic,
    fromPromotionalAtomic: atomic,
    fromFundedAtomic: atomic,
    description: z.string(),
    idempotencyKey: z.string().nullable(),
    entryId: id,
    createdAt: at,
  }),
});

export const ChargeRefunded = defineEvent({
  type: 'ChargeRefunded',
  version: 1,
  domain: 'commerce',
  aggregate: 'charge',
  description: "The publisher refunded the charge (once): what was left of it went back to the agent's wallet.",
  schema: z.object({
    chargeId: id,
    publisherId: id,
    refundedAtomic: atomic,
    toPromotionalAtomic: atomic,
    toFundedAtomic: atomic,
    reason: z.string(),
    entryId: id,
    refundedAt: at,
  }),
});

export const ChargeSlashed = defineEvent({
  type: 'ChargeSlashed',
  version: 1,
  domain: 'commerce',
  aggregate: 'charge',
  description:
    "A penalty on the publisher for the charge: the amount moved from the publisher's earnings back to the agent's wallet.",
  schema: z.object({
    chargeId: id,
    publisherId: id,
    slashAtomic: atomic,
    toPromotionalAtomic: atomic,
    toFundedAtomic: atomic,
    reason: z.string(),
    entryId: id,
    slashedAt: at,
  }),
});

export const publisherEvents = [PublisherRegistered] as const;
export const chargeEvents = [ChargeCreated, ChargeRefunded, ChargeSlashed] as const;
