import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';

/**
 * Connection settings of a typeorm postgres DataSource, for the dedicated connections that hold an
 * advisory lock and LISTEN: those must not come from the pool, which would hand them to others.
 */
export function clientConfigOf(dataSource: DataSource): ClientConfig {
  const options = dataSource.options;
  if (options.type !== 'postgres')
    throw new Error(`@seren/event-store needs a postgres DataSource, got ${options.type}`);
  // typeorm types ssl as tls.TlsOptions and pg as tls.ConnectionOptions; pg passes it to tls.connect.
  const ssl = options.ssl as ClientConfig['ssl'];
  if (options.url) return { connectionString: options.url, ssl };
  return {
    host: options.host,
    port: options.port,
    user: options.username,
    password: typeof options.password === 'string' ? options.password : undefined,
    database: options.database,
    ssl,
  };
}

/**
 * Opens a connection owned by one loop. A broken connection must not crash the process (pg emits
 * 'error' on idle clients): the next query fails and the owner reconnects; `onLost` wakes it.
 */
export async function connectDedicated(
  config: ClientConfig,
  applicationName: string,
  logger: Logger,
  onLost: () => void,
): Promise<Client> {
  const client = new Client({ ...config, application_name: applicationName });
  client.on('error', (error) => {
    logger.warn({ err: error, applicationName }, 'dedicated PostgreSQL connection lost');
    onLost();
  });
  client.on('end', onLost);
  await client.connect();
  return client;
}

/**
 * Session-level advisory lock keyed by a name: held as long as the connection lives, so a process
 * that dies (even by SIGKILL) releases it when PostgreSQL sees the socket close.
 */
export async function tryAdvisoryLock(client: Client, name: string): Promise<boolean> {
  const { rows } = await client.query(`select pg_try_advisory_lock(hashtextextended($1, 0)) as locked`, [
    name,
  ]);
  return rows[0].locked === true;
}

export async function closeQuietly(client: Client | undefined): Promise<void> {
  if (!client) return;
  client.removeAllListeners('end');
  await client.end().catch(() => undefined);
}
