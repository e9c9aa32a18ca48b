import type { Commerce } from '../application.js';
import { findPublisherBySlug, openPublisherSecrets } from '../publishers/index.js';
import { noCredentials, type A2aCredentials } from './a2a.js';

/**
 * What the agent publisher's A2A endpoint is called with, as its API upstream would be: its
 * non-secret upstream headers, its sealed `api_headers`, and its `upstream_api_key` in
 * `api_key_header` (a bare key in Authorization goes as a bearer token) or `api_key_query_param`.
 * Opened for each follow or cancel, never stored with the task nor logged. A publisher deleted
 * since the task started is called without.
 */
export async function agentCredentialsOf(commerce: Commerce, publisherSlug: string): Promise<A2aCredentials> {
  const publisher = await findPublisherBySlug(commerce.dataSource.manager, publisherSlug);
  if (!publisher) return noCredentials;
  const { upstream } = publisher;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream.upstreamHeaders)) headers[name.toLowerCase()] = value;
  const anySecret = Object.values(publisher.hasSecrets).some(Boolean);
  const secrets = anySecret ? await openPublisherSecrets(commerce, publisher) : {};
  for (const [name, value] of Object.entries(secrets.apiHeaders ?? {})) headers[name.toLowerCase()] = value;
  const query: Record<string, string> = {};
  const key = secrets.upstreamApiKey;
  if (key && upstream.apiKeyHeader) {
    const header = upstream.apiKeyHeader.toLowerCase();
    headers[header] = header === 'authorization' && !/\s/.test(key) ? `Bearer ${key}` : key;
  } else if (key && upstream.apiKeyQueryParam) query[upstream.apiKeyQueryParam] = key;
  return { headers, query };
}
