import { resolver, type Resolvers } from '@seren/service-kit';
import { validationError } from '@seren/service-kit/errors';
import type { Commerce } from '../application.js';
import { findPublisherRecord } from '../publishers/queries.js';
import { publisherViewOf } from '../publishers/graphql.js';
import type { ChargeView } from './queries.js';
import {
  createCharge,
  getCharge,
  lookupAgentWallet,
  refundCharge,
  registerPublisher,
  slashCharge,
  type AgentBalanceView,
} from './service.js';

/** An integer amount of atomic units given as a string (GraphQL's Int stops at 2^31). */
function atomicOf(value: string, field: string): bigint {
  if (!/^\d{1,30}$/.test(value)) throw validationError(`${field} must be a non-negative integer`, { field });
  return BigInt(value);
}

const chargeFields = {
  amountAtomic: (c: ChargeView) => c.amountAtomic.toString(),
  fromPromotionalAtomic: (c: ChargeView) => c.fromPromotionalAtomic.toString(),
  fromFundedAtomic: (c: ChargeView) => c.fromFundedAtomic.toString(),
  refundedAtomic: (c: ChargeView) => c.refundedAtomic.toString(),
  slashedAtomic: (c: ChargeView) => c.slashedAtomic.toString(),
};

export function chargesResolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      publisherCharge: resolver(commerce, (c, request, args: { slug: string; chargeId: string }) =>
        getCharge(c, request, args.slug, args.chargeId),
      ),
      agentWalletBalance: resolver(commerce, (c, request, args: { agentWallet: string }) =>
        lookupAgentWallet(c, request, args.agentWallet),
      ),
    },
    Mutation: {
      registerPublisher: resolver(commerce, async (c, request, args: { slug: string; name: string }) =>
        publisherViewOf(
          (await findPublisherRecord(c.dataSource.manager, (await registerPublisher(c, request, args)).id))!,
          request,
        ),
      ),
      createPublisherCharge: resolver(
        commerce,
        (
          c,
          request,
          args: {
            slug: string;
            agentWallet: string;
            amountAtomic: string;
            description: string;
            idempotencyKey?: string | null;
          },
        ) =>
          createCharge(c, request, { ...args, amountAtomic: atomicOf(args.amountAtomic, 'amount_atomic') }),
      ),
      refundPublisherCharge: resolver(
        commerce,
        (
          c,
          request,
          args: { slug: string; chargeId: string; reason: string; idempotencyKey?: string | null },
        ) => refundCharge(c, request, args),
      ),
      slashPublisherCharge: resolver(
        commerce,
        (
          c,
          request,
          args: {
            slug: string;
            chargeId: string;
            reason: string;
            slashAmountAtomic: string;
            idempotencyKey?: string | null;
          },
        ) =>
          slashCharge(c, request, {
            ...args,
            amountAtomic: atomicOf(args.slashAmountAtomic, 'slash_amount_atomic'),
          }),
      ),
    },
    PublisherCharge: chargeFields,
    AgentWalletBalance: {
      balanceAtomic: (b: AgentBalanceView) => b.balanceAtomic.toString(),
      fundedAtomic: (b: AgentBalanceView) => b.fundedAtomic.toString(),
      promotionalAtomic: (b: AgentBalanceView) => b.promotionalAtomic.toString(),
    },
  };
}
