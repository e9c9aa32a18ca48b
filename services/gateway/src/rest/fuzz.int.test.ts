import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEREBRO_SCOPES } from '@seren/contracts';
import type { Gateway } from '../gateway';
import {
  badStringCases,
  describeFailure,
  edgeCases,
  fuzzBadStrings,
  operationsOf,
} from '../test-support/bad-strings';
import { runSchemathesis, schemathesisBinary, type SchemathesisResult } from '../test-support/schemathesis';
import {
  gatewayEnv,
  startSubgraphs,
  startTestGateway,
  STRONG_PASSWORD,
  uniqueEmail,
} from '../test-support/suite';

// Every operation of the three products' served OpenAPI documents, fuzzed during `npm test`:
// Schemathesis (settings and checks in ../../schemathesis.toml) anonymous and with a valid
// credential, then the bad-string step (../test-support/bad-strings.ts). Every operation is fuzzed
// in every product; the few that revoke the credential get a run of their own (`destructive`).
// Reports of every run are written to <repo>/.data/fuzz/run-<time>-<pid>/, a folder of the run's own
// (concurrent runs never overwrite each other's). Run alone: `npx jest fuzz` here.

/**
 * Test cases per operation in Schemathesis's fuzzing phase: 1,200 / the three documents' operations,
 * from 10 to 50 (20 at 60 operations), so the whole fuzzing stays within about 5 minutes on a
 * 2-core machine as routes are added (the fuzzing phase costs about 40 ms a case there under load;
 * the coverage phase adds roughly 0.3 s per operation and run whatever the count).
 * FUZZ_MAX_EXAMPLES sets it.
 */
const examplesFor = (operations: number) =>
  Number(process.env.FUZZ_MAX_EXAMPLES) ||
  Math.max(10, Math.min(50, Math.floor(1200 / Math.max(operations, 1))));
/** Schemathesis's working folder: its `.schemathesis/` state (failures found before) is shared by every run. */
const fuzzDir = join(__dirname, '..', '..', '..', '..', '.data', 'fuzz');
/** This run's reports: a folder of its own, named by its start time and process. */
const reportDir = join(fuzzDir, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);

type Document = Record<string, unknown>;
type ProductName = 'serenai' | 'serebro' | 'serelo';
interface ProductUnderTest {
  name: ProductName;
  /** where the product's paths start (its document's paths include it) */
  prefix: string;
  documentPath: string;
  /** an authenticated read that answers 200 while the credential is valid */
  whoAmI?: string;
  /**
   * Operations that take the fuzzing credential away. Schemathesis reuses the ids and codes it
   * has seen in answers: it deleted the very API key it was sending, and recovered the wallet with
   * the code POST /wallet/recovery had just returned, which revokes every key of the account; every
   * later request was then a 401. The credential run leaves these out; each gets a run of its own
   * with a throwaway credential, beside the operations whose answers feed it.
   */
  destructive?: { operation: string; feeders: string[] }[];
}

const PRODUCTS: ProductUnderTest[] = [
  {
    name: 'serenai',
    prefix: '',
    documentPath: '/openapi.json',
    whoAmI: '/auth/me',
    destructive: [
      {
        operation: 'DELETE /organizations/default/api-keys/{key_id}',
        feeders: ['GET /organizations/default/api-keys'],
      },
      {
        operation: 'DELETE /organizations/{organization_id}/api-keys/{key_id}',
        feeders: ['GET /organizations', 'GET /organizations/{organization_id}/api-keys'],
      },
      { operation: 'POST /wallet/recover', feeders: ['POST /wallet/recovery'] },
    ],
  },
  { name: 'serebro', prefix: '', documentPath: '/openapi.json' },
  { name: 'serelo', prefix: '/api/v1', documentPath: '/api/v1/openapi.json', whoAmI: '/api/v1/users/me' },
];

describe('every operation of the three products, fuzzed', () => {
  let subgraphs: Awaited<ReturnType<typeof startSubgraphs>>;
  let gateway: Gateway;
  let schemathesis: string;
  let maxExamples: number;
  const documents: Partial<Record<ProductName, Document>> = {};
  const baseOf = (product: ProductUnderTest) => gateway.listeners[product.name].url;

  /**
   * A fresh valid credential for the product, as its `Authorization` header value. Serebro's is a
   * location's API key (v1 takes API keys; its rows act in that location and reach their 200s);
   * `serebroV2Credential` gives the location's private integration token for the v2 paths.
   */
  const credentialFor = async (product: ProductName): Promise<string> => {
    if (product === 'serenai') return `Bearer ${await agentApiKey(gateway.listeners.serenai.url)}`;
    if (product === 'serebro') return `Bearer ${(await serebroLocation()).apiKey}`;
    return `Bearer ${await sereloAccessToken(gateway.listeners.serelo.url)}`;
  };
  const serebroLocation = () =>
    serebroLocationCredentials(gateway.listeners.graphql.url, gateway.listeners.serelo.url);

  beforeAll(async () => {
    mkdirSync(reportDir, { recursive: true });
    [schemathesis, subgraphs] = await Promise.all([schemathesisBinary(), startSubgraphs()]);
    // Rate limits off: at fuzzing speed every credential route would answer 429 after ten
    // requests and the fuzzing would stop reaching the handlers. The limiter has its own tests.
    gateway = await startTestGateway(gatewayEnv(subgraphs, { RATE_LIMITS_ENABLED: 'false' }));
    for (const product of PRODUCTS) {
      const response = await fetch(`${baseOf(product)}${product.documentPath}`);
      if (!response.ok)
        throw new Error(`${product.name}: ${product.documentPath} answered ${response.status}`);
      documents[product.name] = (await response.json()) as Document;
    }
    maxExamples = examplesFor(
      Object.values(documents).reduce((sum, document) => sum + operationsOf(document).length, 0),
    );
  }, 5 * 60_000);

  afterAll(async () => {
    await gateway?.close();
    await subgraphs?.close();
  });

  describe.each(PRODUCTS)('$name', (product) => {
    const schemathesisRun = async (label: string, authorization: string | undefined, args: string[] = []) => {
      const result = await runSchemathesis(schemathesis, {
        schemaUrl: `${baseOf(product)}${product.documentPath}`,
        authorization,
        maxExamples,
        workDir: fuzzDir,
        extraArgs: args,
      });
      const report = join(reportDir, `schemathesis-${product.name}-${label}.txt`);
      writeFileSync(report, result.output);
      console.log(
        `Schemathesis, ${product.name}, ${label}, ${maxExamples} examples: ${summaryOf(result)} (report: ${report})`,
      );
      return result;
    };

    const expectClean = (result: SchemathesisResult) => {
      if (operationsOf(documents[product.name]!).length === 0) {
        // Serebro has no REST operation yet: Schemathesis loads the document and says so (exit 2).
        expect(result.output).toContain('The schema defines no API operations');
        return;
      }
      expect({ exitCode: result.exitCode, failures: failuresOf(result) }).toEqual({
        exitCode: 0,
        failures: '',
      });
    };

    const destructive = product.destructive ?? [];

    /** Still valid after the run: every request of it went past authentication. */
    const expectStillValid = async (authorization: string) => {
      if (!product.whoAmI) return;
      const response = await fetch(`${baseOf(product)}${product.whoAmI}`, { headers: { authorization } });
      expect({ [`GET ${product.whoAmI} after the run`]: response.status }).toEqual({
        [`GET ${product.whoAmI} after the run`]: 200,
      });
    };

    it(
      'Schemathesis, anonymous: no server error, documented statuses and bodies, 405 for other methods',
      async () => {
        expectClean(await schemathesisRun('anonymous', undefined));
      },
      5 * 60_000,
    );

    it(
      `Schemathesis, with a valid credential: the same${destructive.length ? ' (but the operations that revoke it)' : ''}`,
      async () => {
        const exclude = destructive.flatMap(({ operation }) => ['--exclude-name', operation]);
        const credential = await credentialFor(product.name);
        if (product.name !== 'serebro') {
          expectClean(await schemathesisRun('credential', credential, exclude));
          await expectStillValid(credential);
          return;
        }
        // Serebro: v1 with the location's API key, v2 with its private integration token (each
        // version refuses the other's credential with 401, so one run per version reaches the rows)
        expectClean(await schemathesisRun('credential-v1', credential, ['--exclude-path-regex', '^/v2/']));
        const { pit } = await serebroLocation();
        expectClean(
          await schemathesisRun('credential-v2', `Bearer ${pit}`, ['--include-path-regex', '^/v2/']),
        );
      },
      5 * 60_000,
    );

    if (destructive.length > 0) {
      it.each(destructive)(
        'Schemathesis, $operation (revokes the credential), with a throwaway one: the same',
        async ({ operation, feeders }) => {
          const include = [operation, ...feeders].flatMap((name) => ['--include-name', name]);
          const label = `revoking-${operation.replace(/[^a-z]+/gi, '-').replace(/^-|-$/g, '')}`;
          expectClean(await schemathesisRun(label, await credentialFor(product.name), include));
        },
        5 * 60_000,
      );
    }

    it(
      'bad strings in every path and query parameter and body string: no 5xx, documented statuses, only the Error shape',
      async () => {
        const document = documents[product.name]!;
        const base = baseOf(product);
        const credential = await credentialFor(product.name);
        const known = await resourcesOf(product.name, base, credential);
        const cases = [
          ...badStringCases(document, base, credential, known),
          ...edgeCases(base, product.prefix),
        ];
        const startedAt = Date.now();
        const { failures, statuses, answered } = await fuzzBadStrings(document, cases);
        const lines = failures.map((failure) => describeFailure(failure, base));
        const report = join(reportDir, `bad-strings-${product.name}.txt`);
        writeFileSync(
          report,
          `${failures.length} failures\n${lines.join('\n')}\n\nEvery request and its status:\n${answered.join('\n')}\n`,
        );
        console.log(
          `Bad strings, ${product.name}: ${cases.length} requests over ${operationsOf(document).length} operations in ` +
            `${((Date.now() - startedAt) / 1000).toFixed(1)} s, answered ${JSON.stringify(statuses)}; ` +
            `${failures.length} failed (report: ${report})`,
        );
        expect(lines).toEqual([]);
        await expectStillValid(credential);
      },
      5 * 60_000,
    );
  });
});

/**
 * Resources the credential owns, by the name of the parameter or field that takes their id, so the
 * bad-string requests reach them instead of a 404 (e.g. an upload into a project that exists).
 */
async function resourcesOf(
  product: ProductName,
  base: string,
  authorization: string,
): Promise<Record<string, string>> {
  const create = async (path: string, body: unknown): Promise<string> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(body),
    });
    const created = (await response.json()) as { id?: string; data?: { id?: string } };
    const id = created.data?.id ?? created.id;
    if (response.status !== 201 || !id)
      throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(created)}`);
    return id;
  };
  if (product === 'serenai') {
    return {
      role_id: await create('/organizations/default/roles', { name: 'Fuzz role', permissions: ['org.read'] }),
    };
  }
  if (product === 'serelo') return { project_id: await create('/api/v1/projects', { name: 'Fuzz project' }) };
  return {};
}

/**
 * A Serebro location (of a new agency) with its API key (v1) and a private integration token with
 * every scope (v2), made over the gateway's /graphql by a user signed up through Serelo.
 */
async function serebroLocationCredentials(graphqlUrl: string, serelo: string) {
  const token = await sereloAccessToken(serelo);
  const run = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await fetch(`${graphqlUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (!body.data || body.errors?.length) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const { createAgency } = await run<{ createAgency: { id: string } }>(
    `mutation($n: String!) { createAgency(name: $n) { id } }`,
    { n: 'Fuzz agency' },
  );
  const { createLocation } = await run<{ createLocation: { id: string } }>(
    `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
    { a: createAgency.id, n: 'Fuzz location' },
  );
  const { createApiKey } = await run<{ createApiKey: { key: string } }>(
    `mutation($o: ID!) { createApiKey(organizationId: $o, name: "fuzz") { key } }`,
    { o: createLocation.id },
  );
  const { createPrivateIntegration } = await run<{ createPrivateIntegration: { token: string } }>(
    `mutation($o: ID!, $s: [String!]!) { createPrivateIntegration(organizationId: $o, name: "fuzz", scopes: $s) { token } }`,
    { o: createLocation.id, s: SEREBRO_SCOPES.map((scope) => scope.name) },
  );
  return { locationId: createLocation.id, apiKey: createApiKey.key, pit: createPrivateIntegration.token };
}

/** An agent's organization API key, from SerenAI's public sign-up. */
async function agentApiKey(serenai: string): Promise<string> {
  const response = await fetch(`${serenai}/auth/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Fuzzing agent' }),
  });
  const body = (await response.json()) as { data?: { api_key?: string } };
  if (response.status !== 201 || !body.data?.api_key) {
    throw new Error(`POST /auth/agent: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.data.api_key;
}

/** A Serelo access token (JWT), from register + login. */
async function sereloAccessToken(serelo: string): Promise<string> {
  const email = uniqueEmail('fuzz');
  const post = (path: string, body: unknown) =>
    fetch(`${serelo}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const registered = await post('/api/v1/auth/register', { email, password: STRONG_PASSWORD, name: 'Fuzz' });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const login = await post('/api/v1/auth/login', { email, password: STRONG_PASSWORD });
  const body = (await login.json()) as { access_token?: string };
  if (login.status !== 200 || !body.access_token)
    throw new Error(`login: ${login.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Schemathesis's closing line, e.g. "24 failures, 2 warnings in 13.68s", and our wall time. */
function summaryOf(result: SchemathesisResult): string {
  const closing = /^=+ (.+?) =+$/m.exec(result.output.split('SUMMARY').pop() ?? '')?.[1];
  return `exit ${result.exitCode}, ${closing ?? 'no summary line'}, ${(result.durationMs / 1000).toFixed(1)} s`;
}

/** The FAILURES section (each failure with its curl reproduction) and the summary, shortened. */
function failuresOf(result: SchemathesisResult): string {
  if (result.exitCode === 0) return '';
  const start = result.output.search(/^=+ (FAILURES|ERRORS) =+$/m);
  const summary = result.output.slice(result.output.lastIndexOf('SUMMARY'));
  const failures = start >= 0 ? result.output.slice(start, result.output.indexOf('SUMMARY')) : result.output;
  const limit = 12_000;
  return `${failures.length > limit ? `${failures.slice(0, limit)}\n… (full report in ${reportDir})` : failures}\n${summary}`;
}
