import { createHmac } from 'node:crypto';
import type { Outbound } from './outbound.js';

// Facebook's Graph API, the part Serelo's social accounts use: who the user is (`/me`) and the pages
// they manage with a token for each (`/me/accounts`, cursor paging). It cannot run here: the client
// is tested as a contract test against a local server speaking Graph's documented shapes
// (facebook-graph.contract.test.ts). Base URL from FACEBOOK_GRAPH_BASE, version included.

export interface FacebookPage {
  id: string;
  name: string;
  accessToken: string;
}

export interface FacebookGraph {
  me(accessToken: string): Promise<{ id: string; name: string | null }>;
  pages(accessToken: string): Promise<FacebookPage[]>;
}

/** A Graph API error answer (`{error: {message, type, code, fbtrace_id}}`). */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    readonly type: string | null,
  ) {
    super(`Graph API answered ${status}${code === null ? '' : ` (code ${code}, ${type})`}`);
    this.name = 'GraphError';
  }
}

/** At most this many pages of `me/accounts` (100 each) are read. */
const MAX_PAGING = 20;

export function facebookGraph(options: {
  base: string;
  appSecret: string;
  outbound: Outbound;
}): FacebookGraph {
  const base = options.base.replace(/\/$/, '');
  // appsecret_proof (HMAC-SHA256 of the token under the app secret) as Graph's "Require App Secret" asks;
  // the token goes in the Authorization header, never in a URL
  const get = async (path: string, accessToken: string, query: Record<string, string>) => {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    url.searchParams.set(
      'appsecret_proof',
      createHmac('sha256', options.appSecret).update(accessToken).digest('hex'),
    );
    const response = await options.outbound.fetch(url.toString(), {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const error = (body.error ?? {}) as { code?: unknown; type?: unknown };
      throw new GraphError(
        response.status,
        typeof error.code === 'number' ? error.code : null,
        typeof error.type === 'string' ? error.type : null,
      );
    }
    return body;
  };

  return {
    async me(accessToken) {
      const body = await get('/me', accessToken, { fields: 'id,name' });
      if (typeof body.id !== 'string') throw new GraphError(502, null, 'unexpected /me answer');
      return { id: body.id, name: typeof body.name === 'string' ? body.name : null };
    },
    async pages(accessToken) {
      const pages: FacebookPage[] = [];
      let after: string | undefined;
      for (let hop = 0; hop < MAX_PAGING; hop++) {
        const body = await get('/me/accounts', accessToken, {
          fields: 'id,name,access_token',
          limit: '100',
          ...(after && { after }),
        });
        const data = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : [];
        for (const page of data)
          if (typeof page.id === 'string' && typeof page.access_token === 'string')
            pages.push({
              id: page.id,
              name: typeof page.name === 'string' ? page.name : page.id,
              accessToken: page.access_token,
            });
        const paging = body.paging as { next?: unknown; cursors?: { after?: unknown } } | undefined;
        // Graph names a `next` URL only when there is another page; its cursor is followed on our base
        if (!paging?.next || typeof paging.cursors?.after !== 'string') break;
        after = paging.cursors.after;
      }
      return pages;
    },
  };
}
