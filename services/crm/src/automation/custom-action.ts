import { ApplicationFailure } from '@temporalio/client';
import { outboundFetch, OutboundRefused } from '@seren/outbound';
import type { Crm } from '../application.js';
import { openCredentialValues } from '../credentials/service.js';
import { findCredential } from '../credentials/queries.js';
import { renderTemplate, renderValue, type Step, type TemplateContext } from './steps.js';

// The custom webhook action (spec §4.2): GET/POST/PUT/DELETE to a URL with a static or templated
// body (JSON or form data), headers and a stored credential, through the outbound guard (private
// addresses refused at connect time unless OUTBOUND_ALLOW_PRIVATE permits them, no redirect
// followed, a timeout). Network errors, timeouts, 429 and 5xx throw (the activity retries them);
// other answers are the step's outcome.

type CustomWebhook = Extract<Step, { type: 'custom_webhook' }>;

const MAX_RESPONSE = 64 * 1024;

export interface CustomActionResult {
  ok: boolean;
  status: number | null;
  /** the response body as text (at most 64 KiB), for saveResponse */
  body: string;
  error?: string;
}

async function credentialHeaders(
  crm: Crm,
  locationId: string,
  step: CustomWebhook,
): Promise<{ headers: Record<string, string>; values?: Record<string, string> }> {
  if (!step.credentialId) return { headers: {} };
  const credential = await findCredential(crm, locationId, step.credentialId);
  if (!credential)
    throw ApplicationFailure.nonRetryable(
      `credential ${step.credentialId} not found`,
      'CREDENTIAL_NOT_FOUND',
    );
  const values = await openCredentialValues(crm, locationId, step.credentialId);
  switch (credential.kind) {
    case 'bearer':
      return values.token
        ? { headers: { authorization: `Bearer ${values.token}` }, values }
        : { headers: {}, values };
    case 'basic':
      return {
        headers: {
          authorization: `Basic ${Buffer.from(`${values.username ?? ''}:${values.password ?? ''}`).toString('base64')}`,
        },
        values,
      };
    case 'api_key':
    case 'header': {
      const name = values.header ?? values.name ?? 'x-api-key';
      const value = values.value ?? values.key ?? values.apiKey ?? '';
      return { headers: value ? { [name.toLowerCase()]: value } : {}, values };
    }
    default:
      return { headers: {}, values };
  }
}

function bodyOf(step: CustomWebhook, context: TemplateContext): { body?: string; contentType?: string } {
  if (step.method === 'GET' || step.bodyType === 'none' || !step.body) return {};
  const rendered = renderValue(step.body, { ...context, credential: undefined }) as Record<string, unknown>;
  if (step.bodyType === 'form') {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(rendered))
      form.append(
        key,
        typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? ''),
      );
    return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: JSON.stringify(rendered), contentType: 'application/json' };
}

/** Sends one custom webhook action. The credential's values reach only the request's headers. */
export async function sendCustomAction(
  crm: Crm,
  locationId: string,
  step: CustomWebhook,
  context: TemplateContext,
): Promise<CustomActionResult> {
  const { headers: auth, values } = await credentialHeaders(crm, locationId, step);
  const headerContext = { ...context, credential: values };
  const headers: Record<string, string> = { 'user-agent': 'Serebro-Workflows/1.0' };
  for (const header of step.headers)
    headers[header.name.toLowerCase()] = renderTemplate(header.value, headerContext);
  Object.assign(headers, auth);
  // templates in the URL come from the contact and trigger only, never a credential
  const url = renderTemplate(step.url, { ...context, credential: undefined });
  const { body, contentType } = bodyOf(step, context);
  if (contentType) headers['content-type'] = contentType;
  let response: Response;
  try {
    response = (await outboundFetch(
      url,
      { method: step.method, headers, body, timeoutMs: step.timeoutSeconds * 1000, field: 'url' },
      crm.settings.outbound,
    )) as unknown as Response;
  } catch (error) {
    if (error instanceof OutboundRefused)
      return { ok: false, status: null, body: '', error: `refused: ${error.message}` };
    // a network error or timeout: the activity retries
    throw error;
  }
  const text = (await response.text()).slice(0, MAX_RESPONSE);
  if (response.status === 429 || response.status >= 500)
    throw new Error(`custom webhook answered ${response.status}`);
  return { ok: response.status >= 200 && response.status < 300, status: response.status, body: text };
}

/** The value saveResponse writes: the body, or one dotted path of its JSON (`data.id`). */
export function responseValue(body: string, path: string | undefined): string | null {
  if (!path) return body.slice(0, 10_000);
  try {
    let value: unknown = JSON.parse(body);
    for (const part of path.split('.')) {
      if (value === null || typeof value !== 'object') return null;
      value = (value as Record<string, unknown>)[part];
    }
    if (value === undefined || value === null) return null;
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return null;
  }
}
