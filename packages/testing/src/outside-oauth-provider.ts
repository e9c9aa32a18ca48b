// An outside OAuth 2.0 / OpenID Connect provider for tests: a real oidc-provider instance on
// loopback, standing in for GitHub, Google or an organization's own authorization server. Its login
// and consent are scripted (the interaction signs in `accountId` and grants what was asked), so a
// test drives authorize → callback with a plain browser (OAuthBrowser). PKCE is required, refresh
// tokens are issued, RFC 7009 revocation and RFC 7662 introspection are on.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OutsideClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface OutsideProvider {
  /** the issuer (discovery at `/.well-known/openid-configuration`) */
  issuer: string;
  /** its endpoints, for a provider registered without discovery */
  endpoints: {
    authorization: string;
    token: string;
    revocation: string;
    userinfo: string;
    introspection: string;
  };
  /** RFC 7662 introspection of a token with a client's credentials: is it still active? */
  isActive(token: string, client: OutsideClient): Promise<boolean>;
  /** registers another client (e.g. once the redirect URI, which names a provider id, is known) */
  addClient(client: OutsideClient): void;
  /** what the provider's token endpoint was asked, in order (grant types; a PKCE verifier's presence) */
  tokenRequests: { grantType: string; clientId: string; codeVerifier: boolean }[];
  close(): Promise<void>;
}

interface Interaction {
  uid: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
}

interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
  ): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): void;
  Grant: {
    new (properties: { accountId: string; clientId: string }): {
      addOIDCScope(scope: string): void;
      addResourceScope(resource: string, scope: string): void;
      save(): Promise<string>;
    };
    find(id: string): Promise<{ addOIDCScope(scope: string): void; save(): Promise<string> } | undefined>;
  };
}

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

/** oidc-provider's storage, in memory: clients added at run time live in the `Client` model. */
function memoryAdapter() {
  const stores = new Map<string, Map<string, { payload: Payload; expiresAt?: number }>>();
  const storeOf = (model: string) => {
    let store = stores.get(model);
    if (!store) stores.set(model, (store = new Map()));
    return store;
  };
  const live = (entry?: { payload: Payload; expiresAt?: number }) =>
    entry && (!entry.expiresAt || entry.expiresAt > Date.now()) ? entry.payload : undefined;
  class Adapter {
    constructor(private readonly model: string) {}
    async upsert(id: string, payload: Payload, expiresIn?: number) {
      storeOf(this.model).set(id, {
        payload,
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
      });
    }
    async find(id: string) {
      return live(storeOf(this.model).get(id));
    }
    async findByUid(uid: string) {
      return [...storeOf(this.model).values()].map((e) => live(e)).find((p) => p?.uid === uid);
    }
    async findByUserCode(code: string) {
      return [...storeOf(this.model).values()].map((e) => live(e)).find((p) => p?.userCode === code);
    }
    async consume(id: string) {
      const entry = storeOf(this.model).get(id);
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      storeOf(this.model).delete(id);
    }
    async revokeByGrantId(grantId: string) {
      for (const store of stores.values())
        for (const [id, entry] of store) if (entry.payload.grantId === grantId) store.delete(id);
    }
  }
  return { Adapter, storeOf };
}

export async function startOutsideProvider(options: {
  clients: OutsideClient[];
  /** the account the scripted login signs in */
  accountId?: string;
  accountName?: string;
  /** access token lifetime (refresh tests use a short one) */
  accessTokenTtlSeconds?: number;
}): Promise<OutsideProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accountId = options.accountId ?? 'outside-user-1';
  const { default: Provider } = (await import('oidc-provider' as string)) as {
    default: new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;
  };
  const memory = memoryAdapter();
  const metadataOf = (c: OutsideClient) => ({
    ...c,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  });
  const addClient = (c: OutsideClient) =>
    void memory.storeOf('Client').set(c.client_id, { payload: metadataOf(c) });
  options.clients.forEach(addClient);
  const provider = new Provider(issuer, {
    adapter: memory.Adapter,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'],
    claims: { openid: ['sub'], profile: ['name'] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: async () => true },
      introspection: { enabled: true, allowedPolicy: async () => true },
    },
    pkce: { required: () => true },
    issueRefreshToken: async () => true,
    ttl: {
      IdToken: 3600,
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 600,
      Grant: 3600,
      RefreshToken: 86400,
    },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, name: options.accountName ?? 'Ada Lovelace' }),
    }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['outside-provider-test-cookie-key'] },
  });
  const tokenRequests: OutsideProvider['tokenRequests'] = [];
  const handle = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      scripted(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/token')) {
      // read the form to record it, then hand oidc-provider the same bytes
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const form = new URLSearchParams(body.toString());
        tokenRequests.push({
          grantType: form.get('grant_type') ?? '',
          clientId: form.get('client_id') ?? '',
          codeVerifier: form.has('code_verifier'),
        });
        (req as IncomingMessage & { body?: Record<string, string> }).body = Object.fromEntries(form);
        handle(req, res);
      });
      return;
    }
    handle(req, res);
  });

  /** The scripted login and consent: sign in `accountId`, grant every scope asked for. */
  async function scripted(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId } });
      return;
    }
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    for (const scope of String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean))
      grant.addOIDCScope(scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } });
  }

  return {
    issuer,
    endpoints: {
      authorization: `${issuer}/auth`,
      token: `${issuer}/token`,
      revocation: `${issuer}/token/revocation`,
      userinfo: `${issuer}/me`,
      introspection: `${issuer}/token/introspection`,
    },
    tokenRequests,
    addClient,
    async isActive(token, client) {
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token,
          client_id: client.client_id,
          client_secret: client.client_secret,
        }),
      });
      const body = (await response.json()) as { active?: boolean };
      return body.active === true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
