import { Connection } from '@temporalio/client';
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
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
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

export interface DomainServiceOptions {
  name: 'identity' | 'crm' | 'content' | 'commerce';
  defaultPort: number;
  entities?: Parameters<typeof openDatabase>[0]['entities'];
  migrations?: MigrationList;
  graphql?: ServiceDefinition['graphql'];
  routes?: ServiceDefinition['routes'];
  /** Read-model updates run in the same transaction as each append. */
  projections?: readonly InlineProjection[];
  /**
   * The service's event consumers. Transport, database and logger are filled in here: Kafka when
   * KAFKA_BROKERS is set, else the producing services' events tables (see `feedSources`).
   */
  consumers?: readonly ConsumerDefinition[];
  /** Environment to read instead of process.env (tests). */
  env?: Record<string, string | undefined>;
  /** Where log lines go instead of stdout (tests that inspect the logs). */
  logDestination?: Parameters<typeof createLogger>[2];
}

export type ConsumerDefinition = Omit<ConsumerOptions, 'dataSource' | 'kafka' | 'sources' | 'logger'>;

export interface DomainService extends RunningService {
  config: ServiceConfig;
  logger: Logger;
  dataSource: DataSource;
  eventStore: EventStore;
  temporal: Connection;
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
 * Kafka when KAFKA_BROKERS is set, a Temporal connection, the HTTP server, and readiness checks
 * over all of them. The connections to Kafka and Temporal are lazy, so the service starts (and
 * says "not ready") while they come up.
 */
export async function startDomainService(options: DomainServiceOptions): Promise<DomainService> {
  const config = loadServiceConfig(options.name, options.defaultPort, options.env);
  const { port, database } = config;
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
    },
    'configuration',
  );

  const dataSource = await openDatabase({
    serverUrl: config.DATABASE_URL,
    database,
    entities: options.entities,
    migrations: [...eventStoreMigrations, ...(options.migrations ?? [])],
  });
  const eventStore = new EventStore({ dataSource, projections: options.projections });
  const temporal = Connection.lazy({ address: config.TEMPORAL_ADDRESS });

  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: () => dataSource.query('select 1') },
    { name: 'temporal', check: () => temporal.healthService.check({}) },
  ];
  const onClose: Array<() => Promise<unknown>> = [];

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
  } else {
    // Embedded mode: events travel through this same PostgreSQL, so the postgres check covers it.
    readiness.push({ name: 'events', check: () => dataSource.query('select 1') });
  }
  const consumers: Consumer[] = (options.consumers ?? []).map((definition) =>
    createConsumer({
      ...definition,
      dataSource,
      kafka,
      sources: kafka ? undefined : feedSources(config, options.env),
      logger: logger.child({ component: 'consumer', groupId: definition.groupId }),
    }),
  );
  // Shutdown order: stop taking work (consumers, relay), then the connections they used.
  onClose.push(() => Promise.all(consumers.map((consumer) => consumer.stop())));
  onClose.push(async () => relay?.stop());
  onClose.push(async () => kafkaAdmin?.disconnect());
  onClose.push(() => temporal.close());
  onClose.push(() => dataSource.destroy());

  const service = await startService({
    name: options.name,
    logger,
    host: config.HOST,
    port,
    internalTokenSecret: config.INTERNAL_TOKEN_SECRET,
    graphql: options.graphql,
    routes: options.routes,
    readiness,
    onClose,
  });
  relay?.start();
  await Promise.all(consumers.map((consumer) => consumer.start()));
  logger.info({ url: service.url }, 'listening');
  return { ...service, config, logger, dataSource, eventStore, temporal, relay };
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
