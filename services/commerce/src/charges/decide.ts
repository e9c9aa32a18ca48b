import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolveCharge,
  initialChargeState,
  type ChargeEvent,
  type ChargeState,
  type PublisherEvent,
} from './charge.js';

export type ChargeReason = 'SLUG_TAKEN' | 'INSUFFICIENT_FUNDS' | 'SLASH_EXCEEDS_CHARGE';
export const chargeErrors = domainErrorsOf<ChargeReason>();

export const MAX_DESCRIPTION = 1000;
export const MAX_REASON = 1000;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export type PublisherCommand = {
  type: 'RegisterPublisher';
  publisherId: string;
  slug: string;
  name: string;
  organizationId: string;
  registeredBy: string;
  now: string;
};

/** A publisher is registered once; its slug is checked here, its uniqueness by the read model. */
export function decidePublisher(command: PublisherCommand, state: { registered: boolean }): PublisherEvent[] {
  if (state.registered) throw chargeErrors.conflict('publisher already exists', { reason: 'SLUG_TAKEN' });
  if (!SLUG.test(command.slug))
    throw chargeErrors.validationError('slug: 1-64 lowercase letters, digits and inner dashes', {
      field: 'slug',
    });
  const name = command.name.trim();
  if (!name || name.length > 200)
    throw chargeErrors.validationError('name: 1-200 characters', { field: 'name' });
  const { publisherId, slug, organizationId, registeredBy, now } = command;
  return [
    {
      type: 'PublisherRegistered',
      data: { publisherId, slug, name, organizationId, registeredBy, registeredAt: now },
    },
  ];
}

export const publisherDecider = {
  streamType: 'publisher',
  initialState: () => ({ registered: false }),
  evolve: () => ({ registered: true }),
  decide: decidePublisher,
};

export type ChargeCommand =
  | {
      type: 'CreateCharge';
      chargeId: string;
      publisherId: string;
      agentOrganizationId: string;
      agentWallet: string;
      amount: bigint;
      description: string;
      idempotencyKey: string | null;
      /** the agent's balances as read under their row locks */
      balances: { funded: bigint; promotional: bigint };
      entryId: string;
      now: string;
    }
  | { type: 'RefundCharge'; reason: string; entryId: string; now: string }
  | { type: 'SlashCharge'; amount: bigint; reason: string; entryId: string; now: string };

/**
 * How `amount` more going back to the agent splits over its balances, when `returned` already went
 * back: the reverse of the charge's spending (funded credit was spent last, so it comes back first),
 * so promotional credit never comes back as funded credit, which could be withdrawn.
 */
export function splitReturn(charge: { fromFunded: bigint; returned: bigint }, amount: bigint) {
  const min = (a: bigint, b: bigint) => (a < b ? a : b);
  const toFunded = min(charge.returned + amount, charge.fromFunded) - min(charge.returned, charge.fromFunded);
  return { toFunded, toPromotional: amount - toFunded };
}

const text = (value: string, field: string, max: number) => {
  if (value.length > max)
    throw chargeErrors.validationError(`${field}: at most ${max} characters`, { field });
  return value;
};

export function decideCharge(command: ChargeCommand, state: ChargeState): ChargeEvent[] {
  switch (command.type) {
    case 'CreateCharge': {
      if (state.status !== 'none') throw chargeErrors.conflict('charge already exists');
      if (command.amount <= 0n)
        throw chargeErrors.validationError('amount_atomic must be a positive integer', {
          field: 'amount_atomic',
        });
      const { funded, promotional } = command.balances;
      const fromPromotional =
        promotional > 0n ? (command.amount < promotional ? command.amount : promotional) : 0n;
      const fromFunded = command.amount - fromPromotional;
      if (fromFunded > (funded > 0n ? funded : 0n))
        throw chargeErrors.paymentRequired('Insufficient balance', { reason: 'INSUFFICIENT_FUNDS' });
      return [
        {
          type: 'ChargeCreated',
          data: {
            chargeId: command.chargeId,
            publisherId: command.publisherId,
            agentOrganizationId: command.agentOrganizationId,
            agentWallet: command.agentWallet,
            asset: 'USDC',
            amountAtomic: command.amount.toString(),
            fromPromotionalAtomic: fromPromotional.toString(),
            fromFundedAtomic: fromFunded.toString(),
            description: text(command.description, 'description', MAX_DESCRIPTION),
            idempotencyKey: command.idempotencyKey,
            entryId: command.entryId,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'RefundCharge': {
      if (state.status === 'none') throw chargeErrors.notFound('charge');
      // refunded once: asking again changes nothing and answers the refunded charge
      if (state.status === 'refunded') return [];
      const remaining = state.amount - state.returned;
      const split = splitReturn(state, remaining);
      return [
        {
          type: 'ChargeRefunded',
          data: {
            chargeId: state.chargeId,
            publisherId: state.publisherId,
            refundedAtomic: remaining.toString(),
            toPromotionalAtomic: split.toPromotional.toString(),
            toFundedAtomic: split.toFunded.toString(),
            reason: text(command.reason, 'reason', MAX_REASON),
            entryId: command.entryId,
            refundedAt: command.now,
          },
        },
      ];
    }
    case 'SlashCharge': {
      if (state.status === 'none') throw chargeErrors.notFound('charge');
      if (command.amount <= 0n)
        throw chargeErrors.validationError('slash_amount_atomic must be a positive integer', {
          field: 'slash_amount_atomic',
        });
      const remaining = state.amount - state.returned;
      if (command.amount > remaining)
        throw chargeErrors.validationError(
          `slash_amount_atomic exceeds what is left of the charge (${remaining} atomic units)`,
          { field: 'slash_amount_atomic', reason: 'SLASH_EXCEEDS_CHARGE' },
        );
      const split = splitReturn(state, command.amount);
      return [
        {
          type: 'ChargeSlashed',
          data: {
            chargeId: state.chargeId,
            publisherId: state.publisherId,
            slashAtomic: command.amount.toString(),
            toPromotionalAtomic: split.toPromotional.toString(),
            toFundedAtomic: split.toFunded.toString(),
            reason: text(command.reason, 'reason', MAX_REASON),
            entryId: command.entryId,
            slashedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const chargeDecider = {
  streamType: 'charge',
  initialState: initialChargeState,
  evolve: evolveCharge,
  decide: decideCharge,
};
