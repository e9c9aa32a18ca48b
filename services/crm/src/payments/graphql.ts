import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import type { CrmLoaders } from '../loaders.js';
import type { PaymentFilter, PaymentView } from './queries.js';
import {
  cancelPaymentIntent,
  confirmPaymentIntent,
  connectCustomProvider,
  connectStripe,
  createCustomProvider,
  createPaymentIntent,
  disconnectPaymentProvider,
  getPayment,
  getPaymentConnection,
  listPaymentConnections,
  listPayments,
  refundPayment,
  type CreatePaymentIntentInput,
  type CustomProviderInput,
  type ModeInput,
  type PaymentConnectionAnswer,
} from './service.js';
import type { PaymentProvider } from './payment.js';

type KeysInput = { test?: ModeInput | null; live?: ModeInput | null };

const providerOf = (value: string): PaymentProvider => (value === 'custom' ? 'custom' : 'stripe');

const connectionOut = (answer: PaymentConnectionAnswer) => ({
  ...answer,
  test: answer.keys.test ?? null,
  live: answer.keys.live ?? null,
  testWebhookSecret: answer.webhookSecrets?.test ?? null,
  liveWebhookSecret: answer.webhookSecrets?.live ?? null,
});

export function paymentsResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      paymentTransactions: resolver(
        crm,
        (
          c,
          request,
          args: { filter?: PaymentFilter | null; limit?: number | null; offset?: number | null },
        ) => listPayments(c, request, args.filter ?? {}, args),
      ),
      paymentTransaction: resolver(crm, (c, request, args: { id: string }) =>
        getPayment(c, request, args.id),
      ),
      paymentConnection: resolver(crm, async (c, request, args: { provider: string }) =>
        connectionOut(await getPaymentConnection(c, request, providerOf(args.provider))),
      ),
      paymentConnections: resolver(crm, async (c, request) =>
        (await listPaymentConnections(c, request)).map(connectionOut),
      ),
    },
    Mutation: {
      createPaymentIntent: resolver(
        crm,
        (c, request, args: { input: CreatePaymentIntentInput; idempotencyKey?: string | null }) =>
          createPaymentIntent(c, request, args.input, args.idempotencyKey),
      ),
      confirmPaymentIntent: resolver(
        crm,
        (
          c,
          request,
          args: {
            id: string;
            input?: { paymentMethod?: string | null; returnUrl?: string | null } | null;
            idempotencyKey?: string | null;
          },
        ) => confirmPaymentIntent(c, request, args.id, args.input ?? {}, args.idempotencyKey),
      ),
      cancelPaymentIntent: resolver(
        crm,
        (c, request, args: { id: string; reason?: string | null; idempotencyKey?: string | null }) =>
          cancelPaymentIntent(c, request, args.id, { reason: args.reason }, args.idempotencyKey),
      ),
      refundPayment: resolver(
        crm,
        (c, request, args: { id: string; amount?: number | null; idempotencyKey?: string | null }) =>
          refundPayment(c, request, args.id, { amount: args.amount }, args.idempotencyKey),
      ),
      connectStripe: resolver(crm, async (c, request, args: { input: KeysInput }) =>
        connectionOut(await connectStripe(c, request, args.input)),
      ),
      createCustomPaymentProvider: resolver(crm, async (c, request, args: { input: CustomProviderInput }) =>
        connectionOut(await createCustomProvider(c, request, args.input)),
      ),
      connectCustomPaymentProvider: resolver(crm, async (c, request, args: { input: KeysInput }) =>
        connectionOut(await connectCustomProvider(c, request, args.input)),
      ),
      disconnectPaymentProvider: resolver(crm, (c, request, args: { provider: string }) =>
        disconnectPaymentProvider(c, request, providerOf(args.provider)),
      ),
    },
    PaymentTransaction: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getPayment(crm, requestInfoOf(context), ref.id),
      clientSecret: (payment: PaymentView & { clientSecret?: string | null }) => payment.clientSecret ?? null,
      contact: (payment: PaymentView, _args: unknown, context: RequestContext<CrmLoaders>) =>
        context.loaders.contacts.load({ locationId: payment.locationId, contactId: payment.contactId }),
    },
  };
}
