import { Client, Connection } from '@temporalio/client';
import {
  createConsumer,
  eventStoreMigrations,
  EventStore,
  Relay,
  type Consumer,
  type ConsumerOptions,
  type FeedSource,
  type InlineProjection,
} from '@seren/event-store';
import type { FastifyInstance } from 'fastify';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { ApplicationContext } from './application.js';
import { loadServiceConfig, type ServiceConfig } from './config.js';
import { createKafka, databaseUrl, openDatabase, type MigrationList } from './connections.js';
import { createLogger, type Logger } from './logger.js';
import {
  closeOnSignals,
  startService,
  type ReadinessCheck,
  type RunningService,
  type ServiceDefinition,
} from './server.js';
import { startWorker, type RunningWorker, type WorkerDefinition } from './worker.js';

/** How long a readiness check waits for Temporal's health service, retries included. */
const TEMPORAL_CHECK_DEADLINE_MS = 2_000;

/**
 * What the platform hands a service's `build`: its configuration, logger, open database, event
 * store and Temporal client, all ready. `onClose` registers a step to run at shutdown (before the
 * connections close), for whatever `build` started (timers, mail transports...).
 */
export interface Platform extends ApplicationContext {
  config: ServiceConfig;
  logger: Logger;
  /** the lazy connection behind `workflows` */
  temporal: Connection;
  /** starts and queries workflows (on `taskQueue` for this service's own) */
  workflows: Client;
  /** this service's task queue */
  taskQueue: string;
  onClose(step: () => unknown): void;
}

export interface DomainServiceOptions<App extends ApplicationContext = Platform> {
  name: 'identity' | 'crm' | 'content' | 'commerce';
  defaultPort: number;
  entities?: Parameters<typeof openDatabase>[0]['entities'];
  migrations?: MigrationList;
  /** Read-model updates run in the same transaction as each append. */
  projections?: readonly InlineProjection[];
  /**
   * Event contracts beyond the suite's registry (@seren/contracts), for events only this service
   * reads (e.g. a template's worked example); events other teams consume belong in the registry.
   */
  contracts?: ConstructorParameters<typeof EventStore>[0]['contracts'];
  /**
   * The application context, built once the database is open and before anything can call it;
   * GraphQL, routes, consumers and activities are all made from it. Without `build` it is the
   * platform itself.
   */
  build?: (platform: Platform) => App | Promise<App>;
  graphql?: (app: App) => ServiceDefinition['graphql'];
  /** Internal HTTP routes beside the subgraph (uploads, raw-body webhooks, redirects...). */
  routes?: (app: App, server: FastifyInstance) => void | Promise<void>;
  /**
   * The service's event consumers. Transport, database and logger are filled in here: Kafka when
   * KAFKA_BROKERS is set, else the producing services' events tables (see `feedSources`).
   */
  consumers?: (app: App) => readonly ConsumerDefinition[];
  /** The service's Temporal worker: its workflows and the activities made from `app`. */
  worker?: WorkerDefinition<App>;
  /** Environment to read instead of process.env (tests). */
  env?: Record<string, string | undefined>;
  /** Where log lines go instead of stdout (tests that inspect the logs). */
  logDestination?: Parameters<typeof createLogger>[2];
}

export type ConsumerDefinition = Omit<ConsumerOptions, 'dataSource' | 'kafka' | 'sources' | 'logger'>;

export interface DomainService<App extends ApplicationContext = ApplicationContext> extends RunningService {
  config: ServiceConfig;
  logger: Logger;
  dataSource: DataSource;
  eventStore: EventStore;
  temporal: Connection;
  /** the application context `build` returned */
  application: App;
  /** the Temporal worker, when the service has one */
  worker?: RunningWorker;
  /** the outbox relay; only with KAFKA_BROKERS (the embedded mode reads the events table directly) */
  relay?: Relay;
}

const DOMAIN_SERVICES = ['identity', 'crm', 'content', 'commerce'] as const;

/**
 * The embedded mode's event sources: every domain service's database on the same server, named
 * as each service names it (`<SERVICE>_DATABASE`, default `seren_<service>`).
 */
export function feedSources(
  config: ServiceConfig,
  env: Record<string, string | undefined> = process.env,
): FeedSource[] {
  return DOMAIN_SERVICES.map((name) => ({
    name,
    url: databaseUrl(config.DATABASE_URL, env[`${name.toUpperCase()}_DATABASE`] || `seren_${name}`),
  }));
}

/**
 * Starts one domain service on the platform: validated config, its own database with migrations,
 * Kafka when KAFKA_BROKERS is set, a Temporal connection, the application context (`build`), the
 * HTTP server, the consumers and the Temporal worker, and readiness checks over all of them. The
 * connections to Kafka and Temporal are lazy (the worker's is retried), so the service starts
 * (and says "not ready") while they come up.
 */
export async function startDomainService<App extends ApplicationContext = Platform>(
  options: DomainServiceOptions<App>,
): Promise<DomainService<App>> {
  const config = loadServiceConfig(options.name, options.defaultPort, options.env);
  const { port, database } = config;
  const env = options.env ?? process.env;
  const taskQueue =
    options.worker?.taskQueue ?? (env[`${options.name.toUpperCase()}_TASK_QUEUE`] || options.name);
  const logger = createLogger(options.name, config.LOG_LEVEL, options.logDestination);
  logger.info(
    {
      port,
      database,
      databaseServer: redactUrl(config.DATABASE_URL),
      events: config.KAFKA_BROKERS
        ? `kafka ${config.KAFKA_BROKERS}`
        : 'embedded (postgres feed, one machine only)',
      temporal: `${config.TEMPORAL_ADDRESS}/${config.TEMPORAL_NAMESPACE}`,
      ...(options.worker ? { taskQueue } : {}),
    },
    'configuration',
  );

  const dataSource = await openDatabase({
    serverUrl: config.DATABASE_URL,
    database,
    entities: options.entities,
    migrations: [...eventStoreMigrations, ...(options.migrations ?? [])],
  });
  const eventStore = new EventStore({
    dataSource,
    projections: options.projections,
    contracts: options.contracts,
  });
  const temporal = Connection.lazy({ address: config.TEMPORAL_ADDRESS });

  // The client retries an unreachable server on timers; a retry that fires after close() throws
  // from its timer and kills the process. So each health check carries a deadline (which ends its
  // retries) and close() waits for the checks in flight before closing the connection.
  const temporalChecks = new Set<Promise<unknown>>();
  const checkTemporal = () => {
    const check = temporal.withDeadline(Date.now() + TEMPORAL_CHECK_DEADLINE_MS, () =>
      temporal.healthService.check({}),
    );
    const settled = check.catch(() => undefined).finally(() => temporalChecks.delete(settled));
    temporalChecks.add(settled);
    return check;
  };
  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: () => dataSource.query('select 1') },
    { name: 'temporal', check: checkTemporal },
  ];
  // Shutdown order: stop taking work (consumers, worker, relay), then what `build` started, then
  // the connections they all used.
  const stopWork: Array<() => Promise<unknown>> = [];
  const stopApplication: Array<() => unknown> = [];
  const closeConnections: Array<() => Promise<unknown>> = [];
  closeConnections.push(async () => {
    await Promise.all(temporalChecks);
    await temporal.close();
  });
  closeConnections.push(() => dataSource.destroy());
  const onClose = [
    ...[stopWork, stopApplication].map((steps) => () => runInOrder(steps, logger)),
    () => runInOrder(closeConnections, logger),
  ];
  let application: App;
  let worker: RunningWorker | undefined;
  let service: RunningService | undefined;
  try {
    const platform: Platform = {
      config,
      logger,
      dataSource,
      store: eventStore,
      temporal,
      workflows: new Client({ connection: temporal, namespace: config.TEMPORAL_NAMESPACE }),
      taskQueue,
      onClose: (step) => stopApplication.unshift(step),
    };
    application = options.build ? await options.build(platform) : (platform as unknown as App);

    let kafka: Kafka | undefined;
    let kafkaAdmin: Admin | undefined;
    let relay: Relay | undefined;
    if (config.KAFKA_BROKERS) {
      kafka = createKafka(config.KAFKA_BROKERS, options.name, logger);
      const admin = kafka.admin();
      kafkaAdmin = admin;
      readiness.push({ name: 'kafka', check: () => admin.connect().then(() => admin.describeCluster()) });
      relay = new Relay({
        dataSource,
        source: options.name,
        kafka,
        logger: logger.child({ component: 'relay' }),
      });
      closeConnections.unshift(async () => kafkaAdmin?.disconnect());
    } else {
      // Embedded mode: events travel through this same PostgreSQL, so the postgres check covers it.
      readiness.push({ name: 'events', check: () => dataSource.query('select 1') });
    }
    const consumers: Consumer[] = (options.consumers?.(application) ?? []).map((definition) =>
      createConsumer({
        ...definition,
        dataSource,
        kafka,
        sources: kafka ? undefined : feedSources(config, options.env),
        logger: logger.child({ component: 'consumer', groupId: definition.groupId }),
      }),
    );
    stopWork.push(() => Promise.all(consumers.map((consumer) => consumer.stop())));
    stopWork.push(async () => worker?.shutdown());
    stopWork.push(async () => relay?.stop());

    if (options.worker) {
      worker = await startWorker({
        address: config.TEMPORAL_ADDRESS,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue,
        workflowsPath: options.worker.workflowsPath,
        activities: options.worker.activities(application),
        logger: logger.child({ component: 'worker', taskQueue }),
      });
      const running = worker;
      readiness.push({ name: 'worker', check: () => running.check() });
    }

    const app = application;
    service = await startService({
      name: options.name,
      logger,
      host: config.HOST,
      port,
      internalTokenSecret: config.INTERNAL_TOKEN_SECRET,
      graphql: options.graphql?.(app),
      routes: options.routes && ((server) => options.routes!(app, server)),
      readiness,
      onClose,
    });
    relay?.start();
    await Promise.all(consumers.map((consumer) => consumer.start()));
    logger.info({ url: service.url }, 'listening');
    return { ...service, config, logger, dataSource, eventStore, temporal, application, worker, relay };
  } catch (error) {
    // a half-started service releases what it opened (the HTTP server's close runs the steps)
    if (service) await service.close();
    else for (const step of onClose) await step();
    throw error;
  }
}

async function runInOrder(steps: Array<() => unknown>, logger: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      logger.error({ err: error }, 'shutdown step failed');
    }
  }
}

/**
 * kafkajs 2.2.4 sets a timer with a negative delay on Node 24 (tulios/kafkajs#1751); Node clamps it
 * to 1 ms and prints a TimeoutNegativeWarning each time. Harmless, so it is kept out of the logs.
 */
function ignoreKafkajsTimerWarning(): void {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const option = rest[0] as string | { type?: string } | undefined;
    const name =
      typeof warning !== 'string' ? warning.name : typeof option === 'string' ? option : option?.type;
    if (name === 'TimeoutNegativeWarning') return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** Runs a service as a process: start, log a config error clearly and exit 1, close on signals. */
export async function runMain(start: () => Promise<{ logger: Logger; close(): Promise<void> }>) {
  ignoreKafkajsTimerWarning();
  try {
    const service = await start();
    closeOnSignals(service, service.logger);
  } catch (error) {
    // Config errors name the variables; print them plainly rather than as a stack trace.
    console.error((error as Error).name === 'ConfigError' ? (error as Error).message : error);
    process.exit(1);
  }
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
