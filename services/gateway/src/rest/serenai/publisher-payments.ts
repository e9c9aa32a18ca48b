import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { dataResponse, dataResponseSchema, route } from './route.js';
import { AgentWalletBalanceFields, agentBalanceSchema, agentBalanceToRest } from './shapes/agent-balance.js';
import {
  PublisherChargeFields,
  publisherChargeSchema,
  publisherChargeToRest,
} from './shapes/publisher-charge.js';

// SerenAI "publisher-payments" (commerce): a publisher charges an agent's wallet with its own
// organization's API key; refund and slash; the agent-wallet pre-check. Payouts come with the
// payout workflow (not served yet). Every money POST takes an idempotency key: the body's
// `idempotency_key` where the spec has one, else the `Idempotency-Key` header (Stripe's semantics:
// the same key and body answer the first result; another body 400; while in flight 409).

const atomic = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The body's key first, else the header's; sent as the operation's `idempotencyKey`. */
const idempotencyKeyOf = (headers: IncomingHttpHeaders, fromBody?: string | null) => {
  const header = headers['idempotency-key'];
  return fromBody || (Array.isArray(header) ? header[0] : header) || null;
};

const chargeResponse = dataResponseSchema(publisherChargeSchema);
const slugAndCharge = z.object({ slug: z.string().min(1), charge_id: z.string().min(1) });

export const publisherPaymentsRoutes = [
  route.operation({
    method: 'POST',
    path: '/billing/publishers/{slug}/charges',
    section: 'publisher-payments',
    summary: "Charge an agent's wallet",
    description:
      "Promotional credit is spent first, then funded credit; 402 when the wallet cannot pay it all. Authenticated by an API key of the publisher's organization. The same `idempotency_key` (or `Idempotency-Key` header) with the same body answers the first charge again.",
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: z.object({ slug: z.string().min(1) }),
      body: z.object({
        agent_wallet: z.string().min(1),
        amount_atomic: atomic,
        description: z.string(),
        idempotency_key: z.string().min(1).max(255).nullish(),
      }),
    },
    operation: graphql(
      `
        mutation SerenaiCreateCharge(
          $slug: String!
          $agentWallet: String!
          $amountAtomic: String!
          $description: String!
          $idempotencyKey: String
        ) {
          createPublisherCharge(
            slug: $slug
            agentWallet: $agentWallet
            amountAtomic: $amountAtomic
            description: $description
            idempotencyKey: $idempotencyKey
          ) {
            ...PublisherChargeFields
          }
        }
      `,
      [PublisherChargeFields],
    ),
    variables: ({ params, body, headers }) => ({
      slug: params.slug,
      agentWallet: body.agent_wallet,
      amountAtomic: String(body.amount_atomic),
      description: body.description,
      idempotencyKey: idempotencyKeyOf(headers, body.idempotency_key),
    }),
    response: {
      status: 200,
      description: 'Charge created',
      schema: chargeResponse,
      body: (data) => dataResponse(publisherChargeToRest(data.createPublisherCharge)),
    },
    errors: [400, 401, 402, 403, 404, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/billing/publishers/{slug}/charges/{charge_id}',
    section: 'publisher-payments',
    summary: 'Get a charge',
    auth: 'required',
    rateLimit: 'general',
    request: { params: slugAndCharge },
    operation: graphql(
      `
        query SerenaiGetCharge($slug: String!, $chargeId: ID!) {
          publisherCharge(slug: $slug, chargeId: $chargeId) {
            ...PublisherChargeFields
          }
        }
      `,
      [PublisherChargeFields],
    ),
    variables: ({ params }) => ({ slug: params.slug, chargeId: params.charge_id }),
    response: {
      status: 200,
      description: 'Charge retrieved',
      schema: chargeResponse,
      body: (data) => dataResponse(publisherChargeToRest(data.publisherCharge)),
    },
    errors: [401, 403, 404],
  }),
  route.operation({
    method: 'POST',
    path: '/billing/publishers/{slug}/charges/{charge_id}/refund',
    section: 'publisher-payments',
    summary: 'Refund a charge',
    description:
      "What is left of the charge (its amount less what slashes paid back) goes back to the agent's wallet, once: refunding again answers the refunded charge. 402 when the publisher's earnings no longer hold it.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: slugAndCharge, body: z.object({ reason: z.string() }) },
    operation: graphql(
      `
        mutation SerenaiRefundCharge(
          $slug: String!
          $chargeId: ID!
          $reason: String!
          $idempotencyKey: String
        ) {
          refundPublisherCharge(
            slug: $slug
            chargeId: $chargeId
            reason: $reason
            idempotencyKey: $idempotencyKey
          ) {
            ...PublisherChargeFields
          }
        }
      `,
      [PublisherChargeFields],
    ),
    variables: ({ params, body, headers }) => ({
      slug: params.slug,
      chargeId: params.charge_id,
      reason: body.reason,
      idempotencyKey: idempotencyKeyOf(headers),
    }),
    response: {
      status: 200,
      description: 'Charge refunded',
      schema: chargeResponse,
      body: (data) => dataResponse(publisherChargeToRest(data.refundPublisherCharge)),
    },
    errors: [400, 401, 402, 403, 404, 409],
  }),
  route.operation({
    method: 'POST',
    path: '/billing/publishers/{slug}/charges/{charge_id}/slash',
    section: 'publisher-payments',
    summary: 'Slash a charge (a penalty on the publisher)',
    description:
      "Moves slash_amount_atomic from the publisher's earnings back to the agent (402 when the earnings lack it). What goes back for one charge (refund and slashes together) never exceeds it (400).",
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: slugAndCharge,
      body: z.object({ reason: z.string(), slash_amount_atomic: atomic }),
    },
    operation: graphql(`
      mutation SerenaiSlashCharge(
        $slug: String!
        $chargeId: ID!
        $reason: String!
        $amount: String!
        $idempotencyKey: String
      ) {
        slashPublisherCharge(
          slug: $slug
          chargeId: $chargeId
          reason: $reason
          slashAmountAtomic: $amount
          idempotencyKey: $idempotencyKey
        ) {
          id
        }
      }
    `),
    variables: ({ params, body, headers }) => ({
      slug: params.slug,
      chargeId: params.charge_id,
      reason: body.reason,
      amount: String(body.slash_amount_atomic),
      idempotencyKey: idempotencyKeyOf(headers),
    }),
    response: { status: 204, description: 'Slash applied' },
    errors: [400, 401, 402, 403, 404, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/wallet/lookup/{agent_wallet}',
    section: 'publisher-payments',
    summary: "Look up an agent's available balance (for publisher pre-checks)",
    description:
      'For an organization with a publisher (404 otherwise). A wallet the ledger never saw holds nothing: balance 0.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ agent_wallet: z.string().min(1) }) },
    operation: graphql(
      `
        query SerenaiLookupAgentWallet($agentWallet: String!) {
          agentWalletBalance(agentWallet: $agentWallet) {
            ...AgentWalletBalanceFields
          }
        }
      `,
      [AgentWalletBalanceFields],
    ),
    variables: ({ params }) => ({ agentWallet: params.agent_wallet }),
    response: {
      status: 200,
      description: 'Balance retrieved',
      schema: dataResponseSchema(agentBalanceSchema),
      body: (data) => dataResponse(agentBalanceToRest(data.agentWalletBalance)),
    },
    errors: [401, 403, 404],
  }),
];
