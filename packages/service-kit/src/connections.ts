import { Kafka, logLevel } from 'kafkajs';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Logger } from './logger.js';

/** The server URL with its database name replaced. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates the service's database on the server if it does not exist yet (one database per service). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new PgClient({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) {
      // Identifier checked by the config schema; CREATE DATABASE takes no parameters.
      await client.query(`create database "${database}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- typeorm's own type for migration classes
export type MigrationList = (Function | string)[];

/** Opens the service's database with typeorm and runs its migrations (never `synchronize`). */
export async function openDatabase(options: {
  serverUrl: string;
  database: string;
  entities?: DataSourceOptions['entities'];
  migrations?: MigrationList;
  poolSize?: number;
}): Promise<DataSource> {
  await ensureDatabase(options.serverUrl, options.database);
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl(options.serverUrl, options.database),
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsRun: false,
    synchronize: false,
    extra: { max: options.poolSize ?? 10 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

export function createKafka(brokers: string, clientId: string, logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => logger.warn({ kafka: entry.namespace }, entry.log.message),
    retry: { retries: 8, initialRetryTime: 200 },
  });
}

export async function connectTemporal(address: string): Promise<Connection> {
  return Connection.connect({ address, connectTimeout: 5_000 });
}
