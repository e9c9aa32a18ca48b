// A local server speaking the documented shapes of Facebook's Graph API and login dialog, for the
// contract tests of identity's Facebook client (Facebook itself cannot be reached from tests). It
// is a stand-in, labelled as such: what it checks and answers follows Graph's reference —
// `GET /{version}/dialog/oauth` (redirects back with `code` and `state`), `POST|GET
// /{version}/oauth/access_token` (`{access_token, token_type, expires_in}`), `GET /{version}/me`
// (`{id, name}`), `GET /{version}/me/accounts` (`{data: [{id, name, access_token, category,
// tasks}], paging: {cursors: {before, after}, next?}}`), errors `{error: {message, type, code,
// fbtrace_id}}`, and `appsecret_proof` (HMAC-SHA256 of the token under the app secret) required.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphPage {
  id: string;
  name: string;
}

export interface FacebookGraphServer {
  /** e.g. http://127.0.0.1:PORT/v21.0 (FACEBOOK_GRAPH_BASE) */
  graphBase: string;
  /** the login dialog (FACEBOOK_DIALOG_URL) */
  dialogUrl: string;
  /** user tokens issued, and the page tokens of each page */
  userTokens: string[];
  pageTokens: Map<string, string>;
  /** requests that came without a valid appsecret_proof or token */
  refused: string[];
  close(): Promise<void>;
}

export async function startFacebookGraphServer(options: {
  appId: string;
  appSecret: string;
  user: { id: string; name: string };
  pages: GraphPage[];
  /** page size of me/accounts (to exercise cursor paging) */
  pageSize?: number;
  version?: string;
}): Promise<FacebookGraphServer> {
  const version = options.version ?? 'v21.0';
  const codes = new Map<string, string>(); // code → redirect_uri
  const userTokens: string[] = [];
  const pageTokens = new Map(options.pages.map((p) => [p.id, `EAAP${randomBytes(24).toString('hex')}`]));
  const refused: string[] = [];
  const pageSize = options.pageSize ?? 25;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
  const graphError = (res: ServerResponse, status: number, message: string, type: string, code: number) =>
    send(res, status, { error: { message, type, code, fbtrace_id: randomBytes(8).toString('hex') } });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://graph.local');
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const param = (name: string) => url.searchParams.get(name) ?? form.get(name);
      const path = url.pathname.replace(`/${version}`, '');

      if (path === '/dialog/oauth') {
        // the user logs in and grants: back to redirect_uri with a code and the state
        if (param('client_id') !== options.appId)
          return graphError(res, 400, 'Invalid app ID', 'OAuthException', 101);
        const code = randomBytes(16).toString('hex');
        codes.set(code, param('redirect_uri') ?? '');
        const back = new URL(param('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', param('state') ?? '');
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (path === '/oauth/access_token') {
        const code = param('code') ?? '';
        if (param('client_id') !== options.appId || param('client_secret') !== options.appSecret)
          return graphError(res, 400, 'Error validating client secret.', 'OAuthException', 1);
        if (!codes.has(code) || codes.get(code) !== param('redirect_uri'))
          return graphError(res, 400, 'Invalid verification code format.', 'OAuthException', 100);
        codes.delete(code);
        const token = `EAAU${randomBytes(24).toString('hex')}`;
        userTokens.push(token);
        return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 5183944 });
      }

      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? param('access_token');
      if (!bearer || !userTokens.includes(bearer)) {
        refused.push(path);
        return graphError(
          res,
          401,
          'Invalid OAuth access token - Cannot parse access token',
          'OAuthException',
          190,
        );
      }
      const proof = createHmac('sha256', options.appSecret).update(bearer).digest('hex');
      if (param('appsecret_proof') !== proof) {
        refused.push(path);
        return graphError(
          res,
          400,
          'Invalid appsecret_proof provided in the API argument',
          'GraphMethodException',
          100,
        );
      }
      if (path === '/me') return send(res, 200, { id: options.user.id, name: options.user.name });
      if (path === '/me/accounts') {
        const after = param('after');
        const start = after ? Number(Buffer.from(after, 'base64').toString()) : 0;
        const slice = options.pages.slice(start, start + pageSize);
        const end = start + slice.length;
        const cursor = (n: number) => Buffer.from(String(n)).toString('base64');
        return send(res, 200, {
          data: slice.map((p) => ({
            id: p.id,
            name: p.name,
            access_token: pageTokens.get(p.id),
            category: 'Business',
            category_list: [{ id: '2200', name: 'Business' }],
            tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'],
          })),
          paging: {
            cursors: { before: cursor(start), after: cursor(end) },
            ...(end < options.pages.length && {
              next: `http://graph.local/${version}/me/accounts?after=${cursor(end)}&limit=${pageSize}`,
            }),
          },
        });
      }
      return graphError(res, 400, `Unknown path components: ${path}`, 'OAuthException', 2500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    graphBase: `${origin}/${version}`,
    dialogUrl: `${origin}/${version}/dialog/oauth`,
    userTokens,
    pageTokens,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
