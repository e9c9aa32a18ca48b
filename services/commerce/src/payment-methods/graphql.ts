import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { addPaymentMethod, listPaymentMethods, removePaymentMethod } from './service.js';

export function paymentMethodsResolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      billingPaymentMethods: resolver(commerce, (c, request) => listPaymentMethods(c, request)),
    },
    Mutation: {
      addBillingPaymentMethod: resolver(
        commerce,
        (c, request, args: { stripePaymentMethodId: string; setAsDefault: boolean }) =>
          addPaymentMethod(c, request, args),
      ),
      removeBillingPaymentMethod: resolver(commerce, (c, request, args: { id: string }) =>
        removePaymentMethod(c, request, args.id),
      ),
    },
  };
}
