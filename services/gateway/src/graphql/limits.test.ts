import { anonymous, type Caller } from '@seren/service-kit';
import { hitsFor } from '../edge/limits';
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
  const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

  it("count every request per caller, and a credential mutation in the REST route's counters", () => {
    expect(graphqlHits({ caller: user, ip: '203.0.113.9', body: undefined }, 0)).toEqual([
      { key: 'graphql:general:60000:user:u_1', limit: 600, windowMs: 60_000 },
    ]);
    const body = { query: LOGIN, variables: { e: 'ada@example.com', p: 'x' } };
    const hits = graphqlHits({ caller: anonymous, ip: '203.0.113.9', body }, 1);
    expect(hits[0]).toEqual({ key: 'graphql:general:60000:ip:203.0.113.9', limit: 600, windowMs: 60_000 });
    // GraphQL login and Serelo's REST login count together: per IP and per account
    expect(hits.slice(1)).toEqual(
      hitsFor('serelo', 'login', {
        caller: anonymous,
        ip: '203.0.113.9',
        body: { email: 'ada@example.com' },
      }),
    );
    expect(hits.slice(1).map((h) => h.key)).toEqual([
      'credential:login.ip:60000:ip:203.0.113.9',
      expect.stringMatching(/^credential:login\.account:/),
    ]);
  });

  it('reads the account from a literal argument too', () => {
    const literal = graphqlHits(
      {
        caller: anonymous,
        ip: '1',
        body: { query: 'mutation { login(email: "ada@example.com", password: "x") { accessToken } }' },
      },
      1,
    );
    const variable = graphqlHits(
      { caller: anonymous, ip: '1', body: { query: LOGIN, variables: { e: 'ada@example.com' } } },
      1,
    );
    expect(literal).toEqual(variable);
  });

  it('gives each credential mutation its own counter', () => {
    const forgot = graphqlHits(
      { caller: anonymous, ip: '1', body: { query: 'mutation { forgotPassword(email: "a@example.com") }' } },
      1,
    );
    expect(forgot[1]).toEqual({
      key: 'credential:forgotPassword.ip:60000:ip:1',
      limit: 10,
      windowMs: 60_000,
    });
  });

  it('follow RATE_LIMIT_OVERRIDES', () => {
    const hits = graphqlHits({ caller: user, ip: '203.0.113.9', body: { query: LOGIN, variables: {} } }, 1, {
      'credential.login.ip': [{ limit: 2, windowMs: 1_000 }],
    });
    expect(hits[1]).toEqual({ key: 'credential:login.ip:1000:ip:203.0.113.9', limit: 2, windowMs: 1_000 });
  });
});
