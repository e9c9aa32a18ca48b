import { Connection } from '@temporalio/client';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { loadServiceConfig, type ServiceConfig } from './config.js';
import { createKafka, openDatabase, type MigrationList } from './connections.js';
import { createLogger, type Logger } from './logger.js';
import { closeOnSignals, startService, type ReadinessCheck, type RunningService, type ServiceDefinition } from './server.js';

export interface DomainServiceOptions {
  name: 'identity' | 'crm' | 'content' | 'commerce';
  defaultPort: number;
  entities?: Parameters<typeof openDatabase>[0]['entities'];
  migrations?: MigrationList;
  graphql?: ServiceDefinition['graphql'];
  routes?: ServiceDefinition['routes'];
  /** Environment to read instead of process.env (tests). */
  env?: Record<string, string | undefined>;
}

export interface DomainService extends RunningService {
  config: ServiceConfig;
  logger: Logger;
  dataSource: DataSource;
  temporal: Connection;
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
  const logger = createLogger(options.name, config.LOG_LEVEL);
  logger.info(
    {
      port,
      database,
      databaseServer: redactUrl(config.DATABASE_URL),
      events: config.KAFKA_BROKERS ? `kafka ${config.KAFKA_BROKERS}` : 'embedded (postgres feed, one machine only)',
      temporal: `${config.TEMPORAL_ADDRESS}/${config.TEMPORAL_NAMESPACE}`,
    },
    'configuration',
  );

  const dataSource = await openDatabase({
    serverUrl: config.DATABASE_URL,
    database,
    entities: options.entities,
    migrations: options.migrations,
  });
  const temporal = Connection.lazy({ address: config.TEMPORAL_ADDRESS });

  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: () => dataSource.query('select 1') },
    { name: 'temporal', check: () => temporal.healthService.check({}) },
  ];
  const onClose: Array<() => Promise<unknown>> = [];

  let kafkaAdmin: Admin | undefined;
  if (config.KAFKA_BROKERS) {
    const admin = createKafka(config.KAFKA_BROKERS, `${options.name}-health`, logger).admin();
    kafkaAdmin = admin;
    readiness.push({ name: 'kafka', check: () => admin.connect().then(() => admin.describeCluster()) });
  } else {
    // Embedded mode: events travel through this same PostgreSQL, so the postgres check covers it.
    readiness.push({ name: 'events', check: () => dataSource.query('select 1') });
  }
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
  logger.info({ url: service.url }, 'listening');
  return { ...service, config, logger, dataSource, temporal };
}

/** Runs a service as a process: start, log a config error clearly and exit 1, close on signals. */
export async function runMain(start: () => Promise<{ logger: Logger; close(): Promise<void> }>) {
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
