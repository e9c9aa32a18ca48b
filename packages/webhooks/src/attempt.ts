import { outboundFetch, OutboundRefused, type OutboundPolicy } from '@seren/outbound';
import {
  ED25519_SIGNATURE_HEADER,
  ed25519Signature,
  SIGNATURE_HEADER,
  signatureHeader,
  type Ed25519Signer,
} from './signing.js';

// One delivery attempt: build the signed request, send it through @seren/outbound (the address
// the socket connects to is checked again, no redirect followed, a timeout), and classify what came back.

export type WebhookMethod = 'POST' | 'GET';

/** Where and how a receiver takes its webhooks (the owning service's subscription, resolved at send time). */
export interface Receiver {
  id: string;
  url: string;
  method: WebhookMethod;
  /** the receiver's own headers (never ours: ours win) */
  headers: Record<string, string>;
  /** live HMAC secrets, newest first (two during a rotation's overlap) */
  secrets: readonly string[];
  enabled: boolean;
}

export interface SignedRequest {
  url: string;
  method: WebhookMethod;
  headers: Record<string, string>;
  /** POST: the JSON body; GET: undefined (the payload is the query) */
  body: string | undefined;
}

export interface SigningKeys {
  /** the Ed25519 signer for X-GHL-Signature; omitted: no Ed25519 signature */
  ed25519?: Ed25519Signer;
  /** the HMAC header's name; X-Serebro-Signature by default */
  header?: string;
  /** a User-Agent; `Seren-Webhooks/1` by default */
  userAgent?: string;
}

/**
 * The request for `payload` to `receiver`, signed at `now`. POST sends the JSON body; GET puts
 * each top-level field in the query (objects and arrays as JSON) and signs the query string (the
 * part after `?`) in place of a body. Both signatures cover exactly the bytes sent.
 */
export function signedRequest(
  receiver: Pick<Receiver, 'url' | 'method' | 'headers' | 'secrets'>,
  payload: unknown,
  keys: SigningKeys,
  now: Date,
  deliveryId?: string,
): SignedRequest {
  const json = JSON.stringify(payload);
  let url = receiver.url;
  let signed = json;
  let body: string | undefined = json;
  if (receiver.method === 'GET') {
    const target = new URL(receiver.url);
    for (const [key, value] of Object.entries(payload as Record<string, unknown>))
      if (value !== undefined && value !== null)
        target.searchParams.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
    url = target.href;
    signed = target.search.slice(1);
    body = undefined;
  }
  const headers: Record<string, string> = { ...receiver.headers };
  // ours replace any the receiver configured under the same name, whatever its case
  const ours: Record<string, string> = {
    'User-Agent': keys.userAgent ?? 'Seren-Webhooks/1',
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...(receiver.secrets.length > 0
      ? {
          [keys.header ?? SIGNATURE_HEADER]: signatureHeader(
            receiver.secrets,
            signed,
            Math.floor(now.getTime() / 1000),
          ),
        }
      : {}),
    ...(keys.ed25519 ? { [ED25519_SIGNATURE_HEADER]: ed25519Signature(keys.ed25519, signed) } : {}),
    ...(deliveryId ? { 'X-Webhook-Delivery-Id': deliveryId } : {}),
  };
  for (const name of Object.keys(headers))
    if (Object.keys(ours).some((o) => o.toLowerCase() === name.toLowerCase())) delete headers[name];
  return { url, method: receiver.method, headers: { ...headers, ...ours }, body };
}

/** delivered: 2xx. retry: network error, timeout, 429, 5xx (Retry-After honoured). rejected: any other answer, or a refused address. */
export type AttemptOutcome = 'delivered' | 'retry' | 'rejected';

export interface AttemptResult {
  outcome: AttemptOutcome;
  /** the HTTP status; null when no answer came */
  status: number | null;
  durationMs: number;
  /** the first `excerptBytes` of the answer's body (UTF-8, cut on a character) */
  responseExcerpt: string | null;
  /** why there was no answer: TIMEOUT, NETWORK (with the code), PRIVATE_ADDRESS, BAD_URL */
  error: string | null;
  /** a Retry-After the receiver asked for, in ms */
  retryAfterMs: number | null;
}

export interface AttemptOptions {
  /** the whole call; 10 s by default */
  timeoutMs?: number;
  /** how much of the answer's body is kept; 1,024 bytes by default */
  excerptBytes?: number;
  now?: () => Date;
}

/** Retry-After as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: Date = new Date()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

async function excerptOf(
  response: Response | Awaited<ReturnType<typeof outboundFetch>>,
  limit: number,
): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, limit);
  // drop a character cut in two at the end
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD$/, '');
}

/** Sends one signed request and classifies the answer. Never throws. */
export async function attemptDelivery(
  request: SignedRequest,
  policy: OutboundPolicy,
  options: AttemptOptions = {},
): Promise<AttemptResult> {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await outboundFetch(
      request.url,
      {
        method: request.method,
        headers: request.headers,
        body: request.body,
        timeoutMs: options.timeoutMs ?? 10_000,
      },
      policy,
    );
    const responseExcerpt = await excerptOf(response, options.excerptBytes ?? 1024).catch(() => null);
    const status = response.status;
    const outcome: AttemptOutcome =
      status >= 200 && status < 300 ? 'delivered' : status === 429 || status >= 500 ? 'retry' : 'rejected';
    return {
      outcome,
      status,
      durationMs: elapsed(),
      responseExcerpt,
      error: null,
      retryAfterMs: outcome === 'retry' ? retryAfterMs(response.headers.get('retry-after'), now()) : null,
    };
  } catch (error) {
    if (error instanceof OutboundRefused)
      return {
        outcome: 'rejected',
        status: null,
        durationMs: elapsed(),
        responseExcerpt: null,
        error: error.reason,
        retryAfterMs: null,
      };
    const name = (error as Error).name;
    const code = codeOf(error);
    return {
      outcome: 'retry',
      status: null,
      durationMs: elapsed(),
      responseExcerpt: null,
      error:
        name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : `NETWORK${code ? ` ${code}` : ''}`,
      retryAfterMs: null,
    };
  }
}

function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) return code;
  }
  return undefined;
}
