// stripe-mock: Stripe's own server that answers the real API's shapes from its OpenAPI spec,
// built from the Go module proxy at a pinned version.
import { join } from 'node:path';
import { ensureGoTool, type GoTool } from './go-tool.ts';
import { spawnDetached } from './process.ts';
import { locate, type Part } from './part.ts';
import type { Settings } from './settings.ts';

export const STRIPE_MOCK: GoTool = {
  binary: 'stripe-mock',
  pkg: 'github.com/stripe/stripe-mock',
  version: 'v0.203.0',
};

export function stripeMockPart(settings: Settings): Part {
  const dir = join(settings.dataDir, 'stripe-mock');
  const pidFile = join(dir, 'stripe-mock.pid');
  const logFile = join(dir, 'stripe-mock.log');
  const { stripeMockHttp: httpPort, stripeMockHttps: httpsPort } = settings.ports;
  const { address, externalFrom } = locate(settings, 'stripeApiBase');
  let binary = join(settings.cacheDir, 'bin', STRIPE_MOCK.binary);

  return {
    name: 'stripe-mock',
    address,
    externalFrom,
    dir,
    pidFile,
    logFile,
    processMarker: 'stripe-mock',
    ports: [httpPort, httpsPort],
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 60_000,
    provision: async (log) => {
      binary = await ensureGoTool(settings.cacheDir, STRIPE_MOCK, log);
    },
    start: () =>
      spawnDetached({
        command: binary,
        // the -addr forms of -http-port/-https-port, to listen on loopback only
        args: ['-http-addr', `127.0.0.1:${httpPort}`, '-https-addr', `127.0.0.1:${httpsPort}`],
        cwd: dir,
        logFile,
        pidFile,
      }),
    probe: () => listCustomers(address, !externalFrom),
  };
}

/**
 * stripe-mock accepts any test key and answers 200. Real Stripe (an external STRIPE_API_BASE)
 * answers this key with 401, which still proves the API is reachable.
 */
async function listCustomers(base: string, expectMock: boolean): Promise<void> {
  const response = await fetch(new URL('/v1/customers', base), {
    headers: { Authorization: 'Bearer sk_test_123' },
    signal: AbortSignal.timeout(3_000),
  });
  await response.body?.cancel();
  if (response.status === 200 || (!expectMock && response.status === 401)) return;
  throw new Error(`GET /v1/customers answered ${response.status}`);
}
