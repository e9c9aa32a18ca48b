import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { formatAmount, isAsset } from '../ledger/index.js';
import type { QuotaUsageView } from './queries.js';
import { changeOrganizationPlan, getOrganizationPlan, getPlan, getQuotaUsage, listPlans } from './service.js';

export function plansResolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      serenaiPlans: () => listPlans(),
      serenaiPlan: (_parent: unknown, args: { id: string }) => getPlan(args.id),
      organizationPlan: resolver(commerce, (c, request, args: { organizationId: string }) =>
        getOrganizationPlan(c, request, args.organizationId),
      ),
      organizationQuota: resolver(commerce, (c, request, args: { organizationId: string }) =>
        getQuotaUsage(c, request, args.organizationId),
      ),
    },
    Mutation: {
      changeOrganizationPlan: resolver(
        commerce,
        (
          c,
          request,
          args: {
            organizationId: string;
            planId: string;
            stripePaymentMethodId?: string | null;
            idempotencyKey?: string | null;
          },
        ) => changeOrganizationPlan(c, request, args.organizationId, args, args.idempotencyKey),
      ),
    },
    OrganizationQuota: {
      spend: (quota: QuotaUsageView) =>
        quota.spend.map(({ asset, amountAtomic }) => ({
          asset,
          amount: isAsset(asset) ? formatAmount(amountAtomic, asset) : amountAtomic.toString(),
        })),
    },
  };
}
