import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { callerOrganization } from '../plans/access.js';
import { depositOf, type DepositView } from './queries.js';
import { createDeposit, type DepositCreated } from './service.js';

const upper = (status: string) => status.toUpperCase();

export function stripeResolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      stripeDeposit: resolver(commerce, (c, request, args: { id: string }) =>
        depositOf(c, callerOrganization(request).organizationId, args.id),
      ),
    },
    Mutation: {
      createStripeDeposit: resolver(
        commerce,
        (
          c,
          request,
          args: { amountCents: number; referralCode?: string | null; idempotencyKey?: string | null },
        ) => createDeposit(c, request, args, args.idempotencyKey),
      ),
    },
    StripeDeposit: { status: (deposit: DepositView) => upper(deposit.status) },
    StripeDepositStarted: { status: (deposit: DepositCreated) => upper(deposit.status) },
  };
}
