import { randomUUID } from 'node:crypto';
import type { EventContract } from '@seren/contracts';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { CommitNotifier } from './commit-notifier.js';
import { contractLookup, upcastEvent, type ContractLookup } from './contracts.js';
import { ConcurrencyError, InvalidEventError } from './errors.js';
import { ProjectionRegistry, type InlineProjection } from './projections.js';
import type { EventMetadata, EventShape, NewEvent, StoredEvent } from './types.js';

export { EVENTS_CHANNEL } from './commit-notifier.js';

export interface EventStoreOptions {
  dataSource: DataSource;
  projections?: readonly InlineProjection[];
  /**
   * Contracts beyond the suite's registry (@seren/contracts), looked up first: appends are validated
   * against the contract of their type, and `readStream` upcasts older schema versions to it.
   */
  contracts?: readonly EventContract[];
}

export interface AppendOptions {
  /**
   * The stream's current version as the caller read it: 0 = the stream must not exist yet, n = it
   * must be at version n. `'any'` (the default) appends whatever the version is.
   */
  expectedVersion?: number | 'any';
  /** Applied to every event (an event's own metadata wins field by field). */
  metadata?: EventMetadata;
  /**
   * Run inside the caller's transaction, e.g. to append to several streams atomically. A manager
   * without an open transaction gets one for this append.
   */
  manager?: EntityManager;
}

export interface AppendResult<E extends EventShape = EventShape> {
  /** The stream's version after the append: pass it as `expectedVersion` next time. */
  version: number;
  events: StoredEvent<E>[];
}

/** A pure decision model of one stream type (Emmett's "decider"). */
export interface Decider<State, Command, E extends EventShape> {
  /** The stream type recorded in `streams.type` (the aggregate, e.g. `contact`). */
  streamType: string;
  initialState(): State;
  evolve(state: State, event: StoredEvent<E>): State;
  /** Returns the new events (none when nothing changes); throws a domain error to refuse. */
  decide(command: Command, state: State): E | readonly E[];
}

export interface HandleOptions {
  metadata?: EventMetadata;
  manager?: EntityManager;
  /** Attempts in all when the stream keeps moving under us (default 5). */
  maxAttempts?: number;
}

export interface HandleResult<State, E extends EventShape> extends AppendResult<E> {
  state: State;
}

type Row = Record<string, unknown>;

const ANY_ATTEMPTS = 20;

// The whole append is ONE statement: the stream row is created or bumped under its row lock (the
// optimistic check is the WHERE clause, so a conflict writes nothing and aborts nothing) and the
// events are numbered from the new version. Without projections or a caller transaction it runs in
// autocommit: one round trip per append (plus the shared NOTIFY after commit, see CommitNotifier).
// Parameters: $1 stream id, $2 event count, $3 events as a JSON array, $4 stream type or expected version.
const STREAM_UPSERT = {
  // Refuses to land behind events of the same stream written by a transaction with a higher id (it
  // committed while we waited on the row lock): the relay orders by transaction id, so our events
  // would reach Kafka before theirs, out of stream order.
  any: `insert into streams as t (id, type, version, last_transaction_id)
        values ($1, $4::text, $2::bigint, pg_current_xact_id())
        on conflict (id) do update
          set version = t.version + excluded.version, last_transaction_id = excluded.last_transaction_id
          where t.last_transaction_id <= excluded.last_transaction_id
        returning t.version`,
  new: `insert into streams (id, type, version, last_transaction_id)
        values ($1, $4::text, $2::bigint, pg_current_xact_id())
        on conflict (id) do nothing
        returning version`,
  // The same ordering guard applies: a caller's transaction may have taken its id before the
  // newer transaction whose version it read.
  exact: `update streams t set version = t.version + $2::bigint, last_transaction_id = pg_current_xact_id()
          where t.id = $1 and t.version = $4::bigint and t.last_transaction_id <= pg_current_xact_id()
          returning t.version`,
} as const;

const appendSql = (upsert: string) => `
  with s as (${upsert}),
  e as (
    insert into events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
    select $1, s.version - $2::bigint + x.ord, (x.e->>'i')::uuid, x.e->>'t', (x.e->>'v')::int, x.e->'d', x.e->'m'
    from s, jsonb_array_elements($3::jsonb) with ordinality as x(e, ord)
    returning position, stream_version, recorded_at
  )
  select e.position, e.stream_version, e.recorded_at from e order by e.stream_version`;

const APPEND_SQL = {
  any: appendSql(STREAM_UPSERT.any),
  new: appendSql(STREAM_UPSERT.new),
  exact: appendSql(STREAM_UPSERT.exact),
};

/**
 * The append of a new stream (expected version 0) as the statement `append` runs, for a caller that
 * must append inside a statement of its own: a plpgsql function doing a whole command in one round
 * trip (commerce's charge). Parameters: $1 the stream id, $2 the event count, $3 the events as
 * `EventStore.encodeEvents` gives them, $4 the stream type; one row (position, stream_version,
 * recorded_at) per event, none when the stream exists. Embed it verbatim (inside a function its $n
 * are the function's first four parameters) so the stream version, the ordering guard, the global
 * position and the outbox row stay exactly what `append` writes. The store cannot run TypeScript in
 * SQL: the caller writes what the inline projections of its events would, and calls
 * `appendedOutside()` after its commit (the relay's wake-up).
 */
export const NEW_STREAM_APPEND_SQL = APPEND_SQL.new;

export interface EncodeEventsOptions {
  /** Applied to every event (an event's own metadata wins field by field). */
  metadata?: EventMetadata;
  /**
   * The inline projections the caller's statement writes itself, by name: encoding refuses events
   * that a registered projection not named here handles, since nothing would apply it.
   */
  projectedBy?: readonly string[];
}

export class EventStore {
  private readonly dataSource: DataSource;
  private readonly projections: ProjectionRegistry;
  private readonly notifier: CommitNotifier;
  private readonly contracts: ContractLookup;

  constructor(options: EventStoreOptions) {
    this.dataSource = options.dataSource;
    this.contracts = contractLookup(options.contracts);
    this.projections = new ProjectionRegistry(options.projections);
    this.notifier = new CommitNotifier(options.dataSource);
  }

  async append<E extends EventShape>(
    streamId: string,
    streamType: string,
    events: readonly NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult<E>> {
    const expected = options.expectedVersion ?? 'any';
    if (events.length === 0) return this.appendNothing(streamId, expected, options.manager);
    const prepared = events.map((event) => prepare(event, this.contracts(event.type), options.metadata));

    const callerTransaction = options.manager?.queryRunner?.isTransactionActive
      ? options.manager.queryRunner
      : undefined;
    if (callerTransaction) {
      const result = await this.insert(options.manager!, streamId, streamType, prepared, expected);
      await this.projections.apply(result.events, options.manager!);
      this.notifier.appendedIn(callerTransaction);
      return result;
    }
    const once = async (): Promise<AppendResult<E>> => {
      const result =
        !options.manager && !this.projections.handlesAny(events)
          ? await this.insert(this.dataSource.manager, streamId, streamType, prepared, expected)
          : await (options.manager ?? this.dataSource.manager).transaction(async (manager) => {
              const inserted = await this.insert(manager, streamId, streamType, prepared, expected);
              await this.projections.apply(inserted.events, manager);
              return inserted;
            });
      this.notifier.committed();
      return result;
    };
    if (expected !== 'any') return once();
    // An unchecked append refused only for ordering (see STREAM_UPSERT.any) succeeds in a new
    // transaction, which gets a newer id; when the transaction is ours, retry it here. The random
    // pause breaks the convoy of many writers hammering one stream (each retry can lose again).
    for (let attempt = 1; ; attempt++) {
      try {
        return await once();
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= ANY_ATTEMPTS) throw error;
        await jitter(attempt);
      }
    }
  }

  /**
   * The events as the $3 parameter of NEW_STREAM_APPEND_SQL: validated against their contracts,
   * ids assigned, metadata merged, as `append` prepares them.
   */
  encodeEvents<E extends EventShape>(
    events: readonly NewEvent<E>[],
    options: EncodeEventsOptions = {},
  ): string {
    const unapplied = this.projections
      .namesFor(events)
      .filter((name) => !(options.projectedBy ?? []).includes(name));
    if (unapplied.length > 0)
      throw new Error(
        `events encoded for a statement of the caller's need its projections: ${unapplied.join(', ')}`,
      );
    const prepared = events.map((event) => prepare(event, this.contracts(event.type), options.metadata));
    return eventsJson(prepared);
  }

  /** Call after a statement of the caller's that ran NEW_STREAM_APPEND_SQL committed: wakes the relay. */
  appendedOutside(): void {
    this.notifier.committed();
  }

  async readStream<E extends EventShape = EventShape>(
    streamId: string,
    options: { manager?: EntityManager } = {},
  ): Promise<{ version: number; events: StoredEvent<E>[] }> {
    const rows: Row[] = await (options.manager ?? this.dataSource.manager).query(
      `select position, stream_version, event_id, type, schema_version, data, metadata, recorded_at
       from events where stream_id = $1 order by stream_version`,
      [streamId],
    );
    // Events written at an older schema version reach `evolve` upcast to the current one.
    const events = rows.map((row) =>
      upcastEvent(
        {
          id: row.event_id,
          type: row.type,
          data: row.data,
          position: Number(row.position),
          streamId,
          streamVersion: Number(row.stream_version),
          schemaVersion: row.schema_version,
          metadata: row.metadata,
          recordedAt: row.recorded_at,
        } as StoredEvent<E>,
        this.contracts(row.type as string),
      ),
    );
    return { version: events.at(-1)?.streamVersion ?? 0, events };
  }

  /**
   * Loads the stream, folds it with `evolve`, calls the pure `decide`, and appends with the version
   * it read. When another writer got there first it starts over, up to `maxAttempts` times; then
   * the ConcurrencyError reaches the caller. Errors thrown by `decide` are never retried.
   */
  async handle<State, Command, E extends EventShape>(
    streamId: string,
    decider: Decider<State, Command, E>,
    command: Command,
    options: HandleOptions = {},
  ): Promise<HandleResult<State, E>> {
    const maxAttempts = options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const { version, events } = await this.readStream<E>(streamId, { manager: options.manager });
      const state = events.reduce(decider.evolve, decider.initialState());
      const decided = decider.decide(command, state);
      const newEvents: readonly E[] = Array.isArray(decided) ? decided : [decided as E];
      if (newEvents.length === 0) return { state, version, events: [] };
      try {
        const result = await this.append<E>(streamId, decider.streamType, newEvents, {
          expectedVersion: version,
          metadata: options.metadata,
          manager: options.manager,
        });
        return { ...result, state: result.events.reduce(decider.evolve, state) };
      } catch (error) {
        // Under READ COMMITTED a refused append leaves the transaction usable, and the next read
        // takes a fresh snapshot, so retrying inside a caller's transaction is sound too, except
        // for an ordering refusal, which only a new transaction can get past.
        if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
        if (!error.inOrder && options.manager?.queryRunner?.isTransactionActive) throw error;
        await jitter(attempt);
      }
    }
  }

  private async insert<E extends EventShape>(
    manager: EntityManager,
    streamId: string,
    streamType: string,
    events: readonly Prepared<E>[],
    expected: number | 'any',
  ): Promise<AppendResult<E>> {
    const json = eventsJson(events);
    const variant = expected === 'any' ? 'any' : expected === 0 ? 'new' : 'exact';
    const fourth = variant === 'exact' ? expected : streamType;
    const rows = await this.run(manager, {
      name: `seren_append_${variant}`,
      text: APPEND_SQL[variant],
      values: [streamId, events.length, json, fourth],
    });
    if (rows.length === 0)
      throw new ConcurrencyError(streamId, expected, await this.versionOf(manager, streamId));
    const stored = rows.map((row, i) => {
      const event = events[i]!;
      return {
        ...event,
        position: Number(row.position),
        streamId,
        streamVersion: Number(row.stream_version),
        recordedAt: row.recorded_at as Date,
      } as StoredEvent<E>;
    });
    return { version: stored.at(-1)!.streamVersion, events: stored };
  }

  /**
   * Runs the append statement on the pg connection under typeorm: as a named prepared statement,
   * PostgreSQL plans it once per connection instead of on every append (the CTE's planning was a
   * good part of the server's CPU per append).
   */
  private async run(manager: EntityManager, query: QueryConfig): Promise<Row[]> {
    const runner = manager.queryRunner;
    if (runner && !runner.isReleased) {
      const client = (await (runner as PostgresQueryRunner).connect()) as PoolClient;
      return (await client.query(query)).rows;
    }
    return (await ((this.dataSource.driver as PostgresDriver).master as Pool).query(query)).rows;
  }

  private async appendNothing(streamId: string, expected: number | 'any', manager?: EntityManager) {
    const actual = await this.versionOf(manager ?? this.dataSource.manager, streamId);
    if (expected !== 'any' && expected !== actual) throw new ConcurrencyError(streamId, expected, actual);
    return { version: actual, events: [] };
  }

  private async versionOf(manager: EntityManager, streamId: string): Promise<number> {
    const rows: Row[] = await manager.query(`select version from streams where id = $1`, [streamId]);
    return rows.length === 0 ? 0 : Number(rows[0]!.version);
  }
}

/** A random pause before retrying a conflict: spreads out writers that keep colliding on one stream. */
const jitter = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

type Prepared<E extends EventShape> = E & { id: string; schemaVersion: number; metadata: EventMetadata };

/** The events parameter of the append statements ($3). */
const eventsJson = (events: readonly Prepared<EventShape>[]) =>
  JSON.stringify(events.map((e) => ({ i: e.id, t: e.type, v: e.schemaVersion, d: e.data, m: e.metadata })));

function prepare<E extends EventShape>(
  event: NewEvent<E>,
  contract: EventContract | undefined,
  metadata: EventMetadata | undefined,
): Prepared<E> {
  const schemaVersion = event.schemaVersion ?? contract?.version ?? 1;
  // Validate on the way in: a consumer should never be the first to find that an event breaks its contract.
  if (contract && contract.version === schemaVersion) {
    const parsed = contract.schema.safeParse(event.data);
    if (!parsed.success)
      throw new InvalidEventError(`${event.type} does not match its contract: ${parsed.error.message}`);
  }
  return {
    ...event,
    id: event.id ?? randomUUID(),
    schemaVersion,
    metadata: { ...metadata, ...event.metadata },
  };
}
