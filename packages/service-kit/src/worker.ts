import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Logger } from './logger.js';

/** A service's Temporal worker, as `startDomainService` takes it. */
export interface WorkerDefinition<App> {
  /** the module exporting the workflows, e.g. `require.resolve('./workflows')` (workflow code does no I/O) */
  workflowsPath: string;
  /** the activities, made from the application context (dependency injection, as in Temporal's samples) */
  activities: (app: App) => object;
  /** defaults to `<SERVICE>_TASK_QUEUE`, else the service's name */
  taskQueue?: string;
}

/** The worker once started: readiness asks it, shutdown stops it. */
export interface RunningWorker {
  taskQueue: string;
  /** resolves once the worker polls its task queue; rejects if it could not start */
  running: Promise<void>;
  /** 'up' once running; otherwise throws with the state (the readiness check) */
  check(): Promise<void>;
  /** stops polling, lets the tasks in flight finish, and closes the connection */
  shutdown(): Promise<void>;
}

// Bundling (webpack) takes seconds; a process bundles each workflows module once, however many
// workers or service instances (tests) it starts.
const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * Where bundles are kept between processes, when set (the test runs set it: jest gives every test
 * file a module registry of its own, so without it each file that starts a service bundled again).
 */
export const WORKFLOW_BUNDLE_CACHE_ENV = 'SEREN_WORKFLOW_BUNDLE_CACHE';

export function workflowBundleOf(
  workflowsPath: string,
  logger?: Logger,
): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    const cacheDir = process.env[WORKFLOW_BUNDLE_CACHE_ENV];
    bundle = cacheDir ? cachedBundle(cacheDir, workflowsPath, logger) : bundleOnce(workflowsPath, logger);
    bundles.set(workflowsPath, bundle);
    bundle.catch(() => bundles.delete(workflowsPath));
  }
  return bundle;
}

function bundleOnce(
  workflowsPath: string,
  logger?: Logger,
  webpackConfigHook?: Parameters<typeof bundleWorkflowCode>[0]['webpackConfigHook'],
): Promise<WorkflowBundleWithSourceMap> {
  // webpack's report is one long line per bundle: kept for debug logs
  return bundleWorkflowCode({
    workflowsPath,
    logger: logger && temporalLogger(logger, 'debug'),
    ...(webpackConfigHook ? { webpackConfigHook } : {}),
  });
}

/** A file webpack read (size and mtime), or one it looked for and did not find (`null`). */
type Input = [path: string, stamp: string | null];

interface CachedBundle {
  workflowsPath: string;
  inputs: Input[];
  code: string;
}

const stampOf = (path: string): string | null => {
  try {
    const stat = statSync(path);
    return stat.isFile() ? `${stat.size}:${stat.mtimeMs}` : null;
  } catch {
    return null;
  }
};

/**
 * The bundle from the cache folder when none of the files webpack read for it changed (size and
 * mtime) and none it looked for has appeared since; otherwise bundled, and stored for the next
 * process (written to a temporary name, then renamed: concurrent processes never read half a file).
 */
async function cachedBundle(
  cacheDir: string,
  workflowsPath: string,
  logger?: Logger,
): Promise<WorkflowBundleWithSourceMap> {
  const file = join(
    cacheDir,
    `${createHash('sha256').update(workflowsPath).digest('hex').slice(0, 24)}.json`,
  );
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedBundle;
    if (
      cached.workflowsPath === workflowsPath &&
      cached.inputs.every(([path, stamp]) => stampOf(path) === stamp)
    )
      return { code: cached.code, sourceMap: '' };
  } catch {
    // none yet, or unreadable: bundle
  }
  let inputs: Input[] = [];
  const bundle = await bundleOnce(workflowsPath, logger, (config) => ({
    ...config,
    plugins: [
      ...(config.plugins ?? []),
      {
        apply(compiler) {
          compiler.hooks.done.tap('seren-bundle-inputs', (stats) => {
            const { fileDependencies, missingDependencies } = stats.compilation;
            // the bundler's generated entrypoint lives in memory: it is made from workflowsPath
            inputs = [
              ...[...fileDependencies]
                .map((path): Input => [path, stampOf(path)])
                .filter(([, stamp]) => stamp),
              ...[...missingDependencies].map((path): Input => [path, null]),
            ];
          });
        },
      },
    ],
  }));
  if (inputs.length > 0) {
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(
      temporary,
      JSON.stringify({ workflowsPath, inputs, code: bundle.code } satisfies CachedBundle),
    );
    renameSync(temporary, file);
  }
  return bundle;
}

/**
 * Routes the SDK's log lines into the service's logger, and leaves SIGINT/SIGTERM to the service
 * (`runMain` shuts the worker down in order). The Runtime is per process: the first service to
 * start a worker installs it; later ones (tests start several) reuse it.
 */
export function installTemporalRuntime(logger: Logger): void {
  try {
    Runtime.install({ logger: temporalLogger(logger.child({ component: 'temporal' })), shutdownSignals: [] });
  } catch {
    // already installed in this process
  }
}

/**
 * Starts the worker: the workflows bundled once, a NativeConnection to Temporal, then `run()`. The
 * connection is retried while Temporal comes up, so the service starts and says "worker: down"
 * until its worker polls (the same as the lazy Temporal and Kafka connections). Limit: a worker
 * that stopped with an error (the SDK gave up on the server) stays down, and readiness says so,
 * until the process restarts; an orchestrator restarts a service that stays not ready.
 */
export async function startWorker(options: {
  address: string;
  namespace: string;
  taskQueue: string;
  workflowsPath: string;
  activities: object;
  logger: Logger;
}): Promise<RunningWorker> {
  const { logger, taskQueue } = options;
  installTemporalRuntime(logger);
  // bundle before returning: a workflow that does not bundle is a startup error, not a readiness one
  const workflowBundle = await workflowBundleOf(options.workflowsPath, logger);

  let worker: Worker | undefined;
  let connection: NativeConnection | undefined;
  let stopping = false;
  const stop = new AbortController();
  let ran: Promise<void> | undefined;
  let failure: Error | undefined;

  const running = (async () => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        connection = await NativeConnection.connect({ address: options.address });
        break;
      } catch (error) {
        if (attempt % 10 === 0)
          logger.warn({ err: error, attempt }, 'temporal worker: connection failed, retrying');
        await sleep(Math.min(500 * 2 ** attempt, 5_000), undefined, { signal: stop.signal }).catch(
          () => undefined,
        );
      }
    }
    if (stopping || !connection) return;
    worker = await Worker.create({
      connection,
      namespace: options.namespace,
      taskQueue,
      workflowBundle,
      activities: options.activities,
    });
    ran = worker.run().catch((error: unknown) => {
      failure = error as Error;
      logger.error({ err: error, taskQueue }, 'temporal worker stopped with an error');
    });
    logger.info({ taskQueue }, 'temporal worker running');
  })();
  running.catch((error: unknown) => {
    failure = error as Error;
    logger.error({ err: error, taskQueue }, 'temporal worker could not start');
  });

  return {
    taskQueue,
    running,
    async check() {
      if (failure) throw failure;
      const state = worker?.getState() ?? 'CONNECTING';
      if (state !== 'RUNNING') throw new Error(state.toLowerCase());
    },
    async shutdown() {
      stopping = true;
      stop.abort();
      await running.catch(() => undefined);
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await ran;
      await connection?.close();
    },
  };
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

function temporalLogger(logger: Logger, infoAs: Level = 'info') {
  const at = (level: Level) => (message: string, meta?: Record<string, unknown>) =>
    logger[level === 'info' ? infoAs : level](meta ?? {}, message);
  return {
    // the SDK's levels are TRACE, DEBUG, INFO, WARN and ERROR
    log: (level: string, message: string, meta?: Record<string, unknown>) =>
      at(level.toLowerCase() as Level)(message, meta),
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
