import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, Socket } from 'node:net';
import { checkOutboundUrl, OutboundRefused, permits, type OutboundPolicy } from '@seren/outbound';
import { Pool, type PoolClient, type QueryConfig } from 'pg';

// Database publishers: the caller's SQL on the publisher's PostgreSQL, read-only. Each query runs
// in a READ ONLY transaction with the publisher's statement timeout, as one statement of the
// extended protocol (so `select 1; drop table t` is refused by the server, not split), wrapped so
// that at most `maxRows` rows come back. The estimate asks EXPLAIN for the planner's rows without
// running anything. Connections: one small pool per publisher connection string, closed when idle.
// The database host is checked against the outbound policy when its pool is made (a private
// address refused unless configured), and again at every connect: the pool's sockets resolve the
// name through a lookup that refuses an address the policy does not permit (guardedSocket), so a
// name rebinding to a private address after the pool was made is refused too (502 UPSTREAM_REFUSED).

export interface QueryLimits {
  statementTimeoutMs: number;
  maxRows: number;
}

export interface QueryResult {
  columns: { name: string; dataTypeId: number }[];
  rows: Record<string, unknown>[];
  /** rows returned (at most maxRows) */
  rowCount: number;
  /** the query had more rows than maxRows: the rest were not read */
  truncated: boolean;
}

/** Why a query was refused or failed: the caller's fault (400) or the database's (502, 504). */
export class QueryFailed extends Error {
  constructor(
    readonly kind: 'invalid' | 'timeout' | 'unreachable' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

/** One statement, no trailing semicolons: what can sit inside `select * from (...) q`. */
export function singleStatement(sql: string): string {
  const trimmed = sql
    .trim()
    .replace(/;+\s*$/, '')
    .trim();
  if (trimmed === '') throw new QueryFailed('invalid', 'query must be a SQL statement');
  return trimmed;
}

const REFUSED = 'EOUTBOUNDREFUSED';

/**
 * The pool's sockets: `connect(port, host)` (what pg calls) resolves the host through a lookup that
 * refuses addresses the outbound policy does not permit, at connect time; an IP literal is checked
 * before connecting.
 */
export function guardedSocket(policy: OutboundPolicy): () => Socket {
  const refusal = (host: string) =>
    Object.assign(new Error(`${host}: the publisher database may not be reached`), { code: REFUSED });
  const lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ) =>
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, []);
      if (found.length === 0 || found.some((a) => !permits(policy, a.address, hostname)))
        return callback(refusal(hostname), []);
      if (options.all) return callback(null, found);
      callback(null, found[0]!.address, found[0]!.family);
    });
  return () => {
    const socket = new Socket();
    const connect = socket.connect.bind(socket) as (options: object) => Socket;
    (socket as unknown as { connect: (port: number, host: string) => Socket }).connect = (port, host) => {
      const bare = host.replace(/^\[|\]$/g, '');
      if (isIP(bare) !== 0 && !permits(policy, bare)) {
        process.nextTick(() => socket.destroy(refusal(bare)));
        return socket;
      }
      return connect({ port, host, lookup });
    };
    return socket;
  };
}

interface CachedPool {
  pool: Pool;
  lastUsed: number;
}

export class PublisherDatabases {
  private readonly pools = new Map<string, CachedPool>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly idleMs = 60_000,
  ) {
    this.sweeper = setInterval(() => void this.closeIdle(), idleMs);
    this.sweeper.unref();
  }

  private async poolFor(publisherId: string, connectionString: string): Promise<Pool> {
    const key = `${publisherId}:${createHash('sha256').update(connectionString).digest('hex')}`;
    const cached = this.pools.get(key);
    if (cached) {
      cached.lastUsed = Date.now();
      return cached.pool;
    }
    let host: string;
    let port: string;
    try {
      const url = new URL(connectionString);
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('scheme');
      host = url.hostname;
      port = url.port || '5432';
    } catch {
      throw new QueryFailed(
        'unreachable',
        'the publisher database connection string is not a postgres:// URL',
      );
    }
    try {
      await checkOutboundUrl(`http://${host}:${port}/`, this.policy, { field: 'connection_string' });
    } catch (error) {
      if (error instanceof OutboundRefused)
        throw new QueryFailed('refused', 'the publisher database may not be reached');
      throw error;
    }
    const pool = new Pool({
      connectionString,
      max: 5,
      idleTimeoutMillis: this.idleMs,
      connectionTimeoutMillis: 5_000,
      stream: guardedSocket(this.policy),
    });
    pool.on('error', () => undefined); // an idle client's error: the next query reconnects
    this.pools.set(key, { pool, lastUsed: Date.now() });
    return pool;
  }

  private async client(publisherId: string, connectionString: string): Promise<PoolClient> {
    const pool = await this.poolFor(publisherId, connectionString);
    try {
      return await pool.connect();
    } catch (error) {
      if ((error as { code?: string }).code === REFUSED)
        throw new QueryFailed('refused', 'the publisher database may not be reached');
      throw new QueryFailed('unreachable', 'the publisher database did not answer');
    }
  }

  /** Runs the caller's query read-only, at most `limits.maxRows` rows. */
  async query(
    publisherId: string,
    connectionString: string,
    sql: string,
    params: unknown[],
    limits: QueryLimits,
  ): Promise<QueryResult> {
    const statement = singleStatement(sql);
    const client = await this.client(publisherId, connectionString);
    let broken = false;
    try {
      await client.query(`begin transaction isolation level repeatable read read only`);
      await client.query(`select set_config('statement_timeout', $1, true)`, [
        String(limits.statementTimeoutMs),
      ]);
      const result = await client.query<Record<string, unknown>>(
        extended(`select * from (${statement}\n) as seren_query limit ${limits.maxRows + 1}`, params),
      );
      await client.query('rollback');
      const truncated = result.rows.length > limits.maxRows;
      const rows = truncated ? result.rows.slice(0, limits.maxRows) : result.rows;
      return {
        columns: result.fields.map((field) => ({ name: field.name, dataTypeId: field.dataTypeID })),
        rows,
        rowCount: rows.length,
        truncated,
      };
    } catch (error) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw failureOf(error);
    } finally {
      client.release(broken);
    }
  }

  /** The planner's estimate of the rows the query returns (EXPLAIN, nothing run), capped at maxRows. */
  async estimateRows(
    publisherId: string,
    connectionString: string,
    sql: string,
    params: unknown[],
    limits: QueryLimits,
  ): Promise<number> {
    const statement = singleStatement(sql);
    const client = await this.client(publisherId, connectionString);
    let broken = false;
    try {
      await client.query(`begin transaction read only`);
      await client.query(`select set_config('statement_timeout', $1, true)`, [
        String(limits.statementTimeoutMs),
      ]);
      // EXPLAIN plans the statement with its parameters as they will be bound (generic $n types)
      const result = await client.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
        extended(`explain (format json) select * from (${statement}\n) as seren_query`, params),
      );
      await client.query('rollback');
      const rows = Math.ceil(result.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
      return Math.min(rows, limits.maxRows);
    } catch (error) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw failureOf(error);
    } finally {
      client.release(broken);
    }
  }

  async closeIdle(now = Date.now()): Promise<void> {
    for (const [key, cached] of this.pools)
      if (now - cached.lastUsed > this.idleMs) {
        this.pools.delete(key);
        await cached.pool.end().catch(() => undefined);
      }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((cached) => cached.pool.end().catch(() => undefined)));
  }
}

/** One statement by the extended protocol (@types/pg does not know `queryMode`): never split into several. */
const extended = (text: string, values: unknown[]): QueryConfig =>
  ({ text, values, queryMode: 'extended' }) as QueryConfig;

function failureOf(error: unknown): QueryFailed {
  if (error instanceof QueryFailed) return error;
  const pg = error as { code?: string; message?: string };
  // 57014 query_canceled (statement_timeout)
  if (pg.code === '57014') return new QueryFailed('timeout', 'the query ran past the statement timeout');
  // 25006 read_only_sql_transaction; 42xxx syntax and access; 22xxx data; 0A000 feature not supported
  if (pg.code && /^(25006|42|22|0A|2B|3F|42501)/.test(pg.code))
    return new QueryFailed(
      'invalid',
      pg.code === '25006' ? 'queries are read-only' : (pg.message ?? 'invalid query'),
    );
  if (pg.code) return new QueryFailed('invalid', pg.message ?? 'the query failed');
  return new QueryFailed('unreachable', 'the publisher database did not answer');
}
