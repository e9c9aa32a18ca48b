import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { httpStatusOf, isDomainError } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { brandedBaseUrl } from '../domains/queries.js';
import { invalidFields } from '../pagination.js';
import { workflowErrors } from './decide.js';
import { startTriggeredExecutions } from './service.js';

// The inbound webhook trigger: each workflow whose trigger is `inbound_webhook` has a URL of its
// own, `<brandedBaseUrl>/hooks/workflows/<id>/<token>`. The token is an HMAC of the workflow id
// under crm's current KEK (nothing stored; a KEK rotation changes the URLs), so the URL is the
// credential, as HighLevel's inbound webhook URLs are. The body names the contact (`contactId`, or
// `email` / `phone` of an existing contact of the workflow's location); its flat fields are the
// trigger's data (`{{trigger.<field>}}`). An `Idempotency-Key` header makes a resend start nothing
// twice.

export function inboundToken(crm: Crm, workflowId: string): string {
  return createHmac('sha256', crm.settings.keyring.current.key)
    .update(`workflow-inbound:${workflowId}`)
    .digest('base64url')
    .slice(0, 32);
}

/** The URL an inbound-webhook workflow listens on (null for other triggers). */
export async function inboundWebhookUrl(
  crm: Crm,
  workflow: { id: string; locationId: string; trigger: { type: string } },
): Promise<string | null> {
  if (workflow.trigger.type !== 'inbound_webhook') return null;
  const base = (await brandedBaseUrl(crm, workflow.locationId)).replace(/\/+$/, '');
  return `${base}/hooks/workflows/${workflow.id}/${inboundToken(crm, workflow.id)}`;
}

const flat = (body: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(body).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v)),
  );

/** Starts the workflow for the contact the body names; 404 for a wrong token or a workflow not on this trigger. */
export async function receiveInboundWebhook(
  crm: Crm,
  input: { workflowId: string; token: string; body: unknown; idempotencyKey?: string | null },
): Promise<{ executionIds: string[] }> {
  const expected = Buffer.from(inboundToken(crm, input.workflowId));
  const given = Buffer.from(input.token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw workflowErrors.notFound('workflow');
  const rows: { location_id: string }[] = await crm.dataSource.query(
    `select location_id from workflows where id = $1 and status = 'published' and trigger_type = 'inbound_webhook'`,
    [input.workflowId],
  );
  const locationId = rows[0]?.location_id;
  if (!locationId) throw workflowErrors.notFound('workflow');
  const body = (
    input.body && typeof input.body === 'object' && !Array.isArray(input.body) ? input.body : {}
  ) as Record<string, unknown>;
  const [contact]: { id: string }[] = await crm.dataSource.query(
    `select id from contacts where location_id = $1 and (id = $2 or email = lower($3) or phone = $4) limit 1`,
    [locationId, String(body.contactId ?? ''), String(body.email ?? ''), String(body.phone ?? '')],
  );
  if (!contact)
    throw invalidFields([
      { field: 'contactId', message: 'name a contact of the location (contactId, email or phone)' },
    ]);
  const executionIds = await startTriggeredExecutions(
    crm,
    { trigger: 'inbound_webhook', locationId, contactId: contact.id, data: flat(body) },
    `inbound:${input.workflowId}:${input.idempotencyKey ?? randomUUID()}`,
    input.workflowId,
  );
  return { executionIds };
}

/** The internal route the gateway forwards `POST /hooks/workflows/{workflowId}/{token}` to (no credential: the URL is it). */
export function automationRoutes(crm: Crm) {
  return async (server: FastifyInstance) => {
    server.post<{ Params: { workflowId: string; token: string } }>(
      '/internal/automation/inbound/:workflowId/:token',
      { bodyLimit: 256 * 1024 },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        try {
          const result = await receiveInboundWebhook(crm, {
            workflowId: request.params.workflowId,
            token: request.params.token,
            body: request.body,
            idempotencyKey: typeof key === 'string' ? key : null,
          });
          return reply.status(202).send({ received: true, ...result });
        } catch (error) {
          if (!isDomainError(error)) throw error;
          return reply.status(httpStatusOf[error.code]).send({
            code: error.code,
            message: error.message,
            ...(error.details.fields ? { fields: error.details.fields } : {}),
          });
        }
      },
    );
  };
}
