// The Temporal dev server (`temporal server start-dev`: frontend, history, matching and worker
// services in one process over SQLite), from the temporal CLI built at a pinned version.
import { join } from 'node:path';
import { ensureGoTool, type GoTool } from './go-tool.ts';
import { spawnDetached } from './process.ts';
import { locate, type Part } from './part.ts';
import type { Settings } from './settings.ts';

// v1.5.1's go.mod names modernc.org/sqlite v1.34.1, whose "interrupted (9)" errors wedged the dev
// server after about 90 minutes of heavy load; v1.44.3 fixes them. (CLI v1.9.1, which has it, cannot
// be built from the module proxy: its go.mod replaces a nested module the proxy does not serve.)
export const TEMPORAL_CLI: GoTool = {
  binary: 'temporal',
  pkg: 'github.com/temporalio/cli/cmd/temporal',
  module: 'github.com/temporalio/cli',
  version: 'v1.5.1',
  upgrades: { 'modernc.org/sqlite': 'v1.44.3' },
};

export function temporalPart(settings: Settings): Part {
  const dir = join(settings.dataDir, 'temporal');
  const pidFile = join(dir, 'temporal.pid');
  const logFile = join(dir, 'temporal.log');
  const port = settings.ports.temporal;
  const { address, externalFrom } = locate(settings, 'temporalAddress');
  let binary = join(settings.cacheDir, 'bin', TEMPORAL_CLI.binary);

  return {
    name: 'temporal',
    address,
    externalFrom,
    dir,
    pidFile,
    logFile,
    processMarker: 'start-dev',
    ports: [port],
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 120_000,
    provision: async (log) => {
      binary = await ensureGoTool(settings.cacheDir, TEMPORAL_CLI, log);
    },
    start: () =>
      spawnDetached({
        command: binary,
        args: [
          'server',
          'start-dev',
          '--headless',
          '--ip',
          '127.0.0.1',
          '--port',
          String(port),
          // workflow histories survive restarts, like a real cluster's
          '--db-filename',
          join(dir, 'temporal.db'),
          '--log-level',
          'warn',
        ],
        cwd: dir,
        logFile,
        pidFile,
      }),
    probe: () => checkHealth(address),
  };
}

/**
 * Ready means the frontend reports SERVING and the `default` namespace exists, so a client or
 * worker started right after `infra:up` can use it. The SDK is imported lazily: its gRPC stack
 * takes a moment to load and only this part needs it.
 */
async function checkHealth(address: string): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    const health = await connection.healthService.check({});
    if (health.status !== 1 /* SERVING */) throw new Error(`health status ${health.status}`);
    await connection.workflowService.describeNamespace({ namespace: 'default' });
  } finally {
    await connection.close();
  }
}
