import { startFacebookGraphServer, type FacebookGraphServer } from '@seren/testing';
import { outboundOf } from './outbound';
import { facebookGraph, GraphError } from './facebook-graph';
import { loadIdentityConfig } from '../config';

// CONTRACT TEST (labelled as such): Facebook's Graph API cannot be reached from tests, so identity's
// Graph client runs against @seren/testing's startFacebookGraphServer, a local server speaking the
// shapes Graph's reference documents (`/me`, `/me/accounts` with cursor paging, the error object,
// appsecret_proof). It proves the client speaks that contract; it does not prove Facebook still does.

describe('Facebook Graph API client (contract test against a local server speaking Graph’s documented shapes)', () => {
  let graph: FacebookGraphServer;
  const app = { appId: '4242', appSecret: 'contract-app-secret' };
  const config = loadIdentityConfig({ OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8' });

  beforeAll(async () => {
    graph = await startFacebookGraphServer({
      ...app,
      user: { id: '10158000000000009', name: 'Ada Lovelace' },
      pages: Array.from({ length: 5 }, (_, i) => ({ id: `20000000000000${i}`, name: `Page ${i}` })),
      pageSize: 2,
    });
  });
  afterAll(() => graph?.close());

  /** a user token as the token endpoint issues it (the dialog's code, exchanged) */
  async function userToken(): Promise<string> {
    const dialog = new URL(graph.dialogUrl);
    dialog.search = new URLSearchParams({
      client_id: app.appId,
      redirect_uri: 'http://serelo.test/cb',
      state: 's',
    }).toString();
    const code = new URL(
      (await fetch(dialog, { redirect: 'manual' })).headers.get('location')!,
    ).searchParams.get('code')!;
    const response = await fetch(`${graph.graphBase}/oauth/access_token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: app.appId,
        client_secret: app.appSecret,
        code,
        redirect_uri: 'http://serelo.test/cb',
      }),
    });
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: expect.any(Number),
    });
    return body.access_token;
  }

  it('reads /me and every page of /me/accounts (cursor paging), sending appsecret_proof and the token in a header', async () => {
    const client = facebookGraph({
      base: graph.graphBase,
      appSecret: app.appSecret,
      outbound: outboundOf(config),
    });
    const token = await userToken();
    expect(await client.me(token)).toEqual({ id: '10158000000000009', name: 'Ada Lovelace' });
    const pages = await client.pages(token);
    expect(pages.map((p) => p.id)).toEqual([
      '200000000000000',
      '200000000000001',
      '200000000000002',
      '200000000000003',
      '200000000000004',
    ]);
    expect(pages.map((p) => p.accessToken)).toEqual(pages.map((p) => graph.pageTokens.get(p.id)));
    expect(graph.refused).toEqual([]);
  });

  it("maps Graph's error object to GraphError (code 190 for a bad token, 100 for a bad appsecret_proof)", async () => {
    const token = await userToken();
    const wrongSecret = facebookGraph({
      base: graph.graphBase,
      appSecret: 'not-the-secret',
      outbound: outboundOf(config),
    });
    await expect(wrongSecret.me(token)).rejects.toMatchObject({
      name: 'GraphError',
      status: 400,
      code: 100,
      type: 'GraphMethodException',
    });
    const client = facebookGraph({
      base: graph.graphBase,
      appSecret: app.appSecret,
      outbound: outboundOf(config),
    });
    const error = await client.pages('EAAnot-a-token').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 401, code: 190, type: 'OAuthException' });
  });

  it('goes through the outbound guard: a loopback Graph base is refused unless the policy allows it', async () => {
    const strict = facebookGraph({
      base: graph.graphBase,
      appSecret: app.appSecret,
      outbound: outboundOf(loadIdentityConfig({})),
    });
    await expect(strict.me('EAAx')).rejects.toMatchObject({ reason: 'PRIVATE_ADDRESS' });
  });
});
