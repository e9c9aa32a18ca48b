import { anonymous, type Caller } from '@seren/service-kit';
import { credentialMutationsOf, graphqlHits, mayWrite } from './limits';

const post = (query: string) => ({ query });

describe("the graph's credential mutations", () => {
  it('finds them at the top level of mutations, through aliases and fragments', () => {
    expect(
      credentialMutationsOf(post('mutation { login(email: "a", password: "b") { accessToken } }'), ''),
    ).toEqual(['login']);
    expect(
      credentialMutationsOf(
        post(`mutation Guess {
          a: login(email: "a", password: "1") { accessToken }
          b: login(email: "a", password: "2") { accessToken }
        }`),
        '',
      ),
    ).toEqual(['login', 'login']);
    expect(
      credentialMutationsOf(
        post(`mutation { ...Recover ... on Mutation { forgotPassword(email: "a") } }
              fragment Recover on Mutation { recoverWallet(recoveryCode: "x") { apiKey } }`),
        '',
      ),
    ).toEqual(['recoverWallet', 'forgotPassword']);
  });

  it('ignores queries, other mutations, fields deeper down, and documents that do not parse', () => {
    expect(credentialMutationsOf(post('{ me { id } }'), '')).toEqual([]);
    expect(credentialMutationsOf(post('query { login }'), '')).toEqual([]);
    expect(
      credentialMutationsOf(post('mutation { createApiKey(organizationId: "o", name: "n") { key } }'), ''),
    ).toEqual([]);
    expect(credentialMutationsOf(post('mutation { login(('), '')).toEqual([]);
    expect(credentialMutationsOf(undefined, '')).toEqual([]);
  });

  it('reads a GET query string too', () => {
    const search = `?query=${encodeURIComponent('mutation { verifyEmail(token: "t") { accessToken } }')}`;
    expect(credentialMutationsOf(undefined, search)).toEqual(['verifyEmail']);
  });
});

describe('mayWrite', () => {
  it('is false only for a document that names no mutation', () => {
    expect(mayWrite(post('{ me { id } }'), '')).toBe(false);
    expect(mayWrite(undefined, `?query=${encodeURIComponent('{ me { id } }')}`)).toBe(false);
    expect(mayWrite(post('mutation { updateMe(name: "x") { id } }'), '')).toBe(true);
    expect(mayWrite({ extensions: { persistedQuery: {} } }, '')).toBe(true);
  });
});

describe('GraphQL limit counters', () => {
  const user: Caller = { subject: 'u_1', kind: 'user', scopes: [], permissions: [], via: 'session' };

  it('count every request per caller, and credential mutations per IP as well', () => {
    expect(graphqlHits({ caller: user, ip: '203.0.113.9', body: undefined }, 0)).toEqual([
      { key: 'graphql:general:60000:user:u_1', limit: 600, windowMs: 60_000 },
    ]);
    expect(graphqlHits({ caller: anonymous, ip: '203.0.113.9', body: undefined }, 1)).toEqual([
      { key: 'graphql:general:60000:ip:203.0.113.9', limit: 600, windowMs: 60_000 },
      { key: 'graphql:credentials:60000:ip:203.0.113.9', limit: 10, windowMs: 60_000 },
    ]);
  });

  it('follow RATE_LIMIT_OVERRIDES', () => {
    const hits = graphqlHits({ caller: user, ip: '203.0.113.9', body: undefined }, 1, {
      'graphql.credentials': [{ limit: 2, windowMs: 1_000 }],
    });
    expect(hits[1]).toEqual({ key: 'graphql:credentials:1000:ip:203.0.113.9', limit: 2, windowMs: 1_000 });
  });
});
