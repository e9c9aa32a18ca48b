import { defineEvent } from '@seren/contracts';
import { Client } from 'pg';
import { z } from 'zod';
import { ConcurrencyError, InvalidEventError } from './errors.js';
import { eventStoreMigrations } from './migrations/index.js';
import { defineProjection } from './projections.js';
import { EVENTS_CHANNEL, EventStore, NEW_STREAM_APPEND_SQL, type Decider } from './store.js';
import { createTestDatabase, type TestDatabase } from './test-support/database.js';

type CounterEvent =
  { type: 'Incremented'; data: { by: number } } | { type: 'Reset'; data: Record<string, never> };
type Increment = { by: number; max: number };

const counter: Decider<number, Increment, CounterEvent> = {
  streamType: 'counter',
  initialState: () => 0,
  evolve: (state, event) => {
    switch (event.type) {
      case 'Incremented':
        return state + event.data.by;
      case 'Reset':
        return 0;
      default: {
        const never: never = event;
        return never;
      }
    }
  },
  decide: (command, state) => {
    if (state + command.by > command.max) throw new Error('over the limit');
    return { type: 'Incremented', data: { by: command.by } };
  },
};

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await createTestDatabase('es_store', 30);
  await db.dataSource.query(`create table counters (id text primary key, total int not null)`);
  store = new EventStore({
    dataSource: db.dataSource,
    projections: [
      defineProjection<CounterEvent>({
        name: 'counters',
        handles: ['Incremented'],
        apply: async (event, { manager }) => {
          if (event.type !== 'Incremented') return;
          if (event.data.by < 0) throw new Error('projection refuses negative increments');
          await manager.query(
            `insert into counters (id, total) values ($1, $2) on conflict (id) do update set total = counters.total + excluded.total`,
            [event.streamId, event.data.by],
          );
        },
      }),
    ],
  });
});

afterAll(() => db?.drop());

const total = async (id: string) =>
  ((await db.dataSource.query(`select total from counters where id = $1`, [id])) as { total: number }[])[0]
    ?.total;

describe('EventStore against PostgreSQL', () => {
  it('creates its tables by migrations, and reverts them', async () => {
    const tables: { table_name: string }[] = await db.dataSource.query(
      `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'dead_letters',
        'events',
        'feed_checkpoints',
        'processed_events',
        'relay_checkpoints',
        'streams',
      ]),
    );
    const other = await createTestDatabase('es_migr');
    try {
      for (let i = 0; i < eventStoreMigrations.length; i++) await other.dataSource.undoLastMigration();
      const left: unknown[] = await other.dataSource.query(
        `select 1 from information_schema.tables where table_schema = 'public' and table_name in ('events', 'streams', 'processed_events')`,
      );
      expect(left).toHaveLength(0);
    } finally {
      await other.drop();
    }
  });

  it('appends events, numbers them in the stream and reads them back in order', async () => {
    const result = await store.append(
      's-1',
      'thing',
      [
        { type: 'Made', data: { a: 1 } },
        { type: 'Painted', data: { colour: 'red' }, metadata: { causationId: 'c-2' } },
      ],
      { expectedVersion: 0, metadata: { correlationId: 'corr-1', causationId: 'c-1', actor: 'user:u1' } },
    );
    expect(result.version).toBe(2);
    expect(result.events.map((e) => [e.streamVersion, e.type])).toEqual([
      [1, 'Made'],
      [2, 'Painted'],
    ]);
    expect(result.events[1]!.position).toBeGreaterThan(result.events[0]!.position);

    const read = await store.readStream('s-1');
    expect(read.version).toBe(2);
    expect(
      read.events.map((e) => ({
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        id: e.id,
        schemaVersion: e.schemaVersion,
      })),
    ).toEqual([
      {
        type: 'Made',
        data: { a: 1 },
        metadata: { correlationId: 'corr-1', causationId: 'c-1', actor: 'user:u1' },
        id: result.events[0]!.id,
        schemaVersion: 1,
      },
      {
        type: 'Painted',
        data: { colour: 'red' },
        metadata: { correlationId: 'corr-1', causationId: 'c-2', actor: 'user:u1' },
        id: result.events[1]!.id,
        schemaVersion: 1,
      },
    ]);
    const [stream] = await db.dataSource.query(`select type, version from streams where id = 's-1'`);
    expect(stream).toEqual({ type: 'thing', version: '2' });
    const [row] = await db.dataSource.query(
      `select transaction_id is not null as has_tx, recorded_at from events where stream_id = 's-1' limit 1`,
    );
    expect(row.has_tx).toBe(true);
  });

  it('reads an unknown stream as empty at version 0', async () => {
    expect(await store.readStream('nobody')).toEqual({ version: 0, events: [] });
  });

  it('refuses a stale expected version with a ConcurrencyError naming both versions, and writes nothing', async () => {
    await store.append('s-2', 'thing', [{ type: 'Made', data: {} }], { expectedVersion: 0 });
    await expect(
      store.append('s-2', 'thing', [{ type: 'Painted', data: {} }], { expectedVersion: 0 }),
    ).rejects.toMatchObject({
      name: 'ConcurrencyError',
      streamId: 's-2',
      expected: 0,
      actual: 1,
    });
    await expect(
      store.append('s-2', 'thing', [{ type: 'Painted', data: {} }], { expectedVersion: 5 }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(
      store.append('s-missing', 'thing', [{ type: 'Painted', data: {} }], { expectedVersion: 1 }),
    ).rejects.toMatchObject({
      actual: 0,
    });
    expect((await store.readStream('s-2')).version).toBe(1);
    expect((await store.readStream('s-missing')).events).toHaveLength(0);
  });

  it('lets exactly one of many concurrent writers with the same expected version win', async () => {
    await store.append('s-race', 'thing', [{ type: 'Made', data: {} }]);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.append('s-race', 'thing', [{ type: 'Painted', data: { i } }], { expectedVersion: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError),
    ).toHaveLength(9);
  });

  it('numbers concurrent appends without an expected version gap-free', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.append('s-any', 'thing', [
          { type: 'Made', data: { i } },
          { type: 'Made', data: { i } },
        ]),
      ),
    );
    const { version, events } = await store.readStream('s-any');
    expect(version).toBe(40);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('refuses an append without expected version that would land behind a later transaction of the same stream', async () => {
    // The early transaction takes its transaction id first, then waits for the stream's row lock
    // while a later transaction appends and commits: relayed in transaction-id order, its event
    // would reach Kafka before the later one, so the append is refused and can be retried.
    await store.append('s-order', 'thing', [{ type: 'Made', data: {} }]);
    const early = db.dataSource.createQueryRunner();
    await early.startTransaction();
    try {
      await early.query(`select pg_current_xact_id()`);
      await store.append('s-order', 'thing', [{ type: 'Painted', data: { by: 'late' } }]);
      await expect(
        store.append('s-order', 'thing', [{ type: 'Painted', data: { by: 'early' } }], {
          manager: early.manager,
        }),
      ).rejects.toMatchObject({
        name: 'ConcurrencyError',
        expected: 'any',
        actual: 2,
      });
    } finally {
      await early.rollbackTransaction();
      await early.release();
    }
  });

  it('refuses an append with the right version from a transaction older than the one that wrote it', async () => {
    await store.append('s-order-2', 'thing', [{ type: 'Made', data: {} }]);
    const early = db.dataSource.createQueryRunner();
    await early.startTransaction();
    try {
      await early.query(`select pg_current_xact_id()`);
      await store.append('s-order-2', 'thing', [{ type: 'Painted', data: { by: 'late' } }]);
      const { version } = await store.readStream('s-order-2', { manager: early.manager });
      expect(version).toBe(2);
      const refused = store.append('s-order-2', 'thing', [{ type: 'Painted', data: { by: 'early' } }], {
        manager: early.manager,
        expectedVersion: 2,
      });
      await expect(refused).rejects.toMatchObject({
        name: 'ConcurrencyError',
        expected: 2,
        actual: 2,
        inOrder: false,
      });
      // handle() in the caller's transaction gives up at once: only a new transaction can succeed.
      let decisions = 0;
      const counting: Decider<number, Increment, CounterEvent> = {
        ...counter,
        streamType: 'thing',
        decide: (c, st) => (decisions++, counter.decide(c, st)),
      };
      await expect(
        store.handle('s-order-2', counting, { by: 1, max: 10 }, { manager: early.manager }),
      ).rejects.toMatchObject({ inOrder: false });
      expect(decisions).toBe(1);
    } finally {
      await early.rollbackTransaction();
      await early.release();
    }
    expect((await store.readStream('s-order-2')).version).toBe(2);
  });

  it('validates contract events on append', async () => {
    await expect(
      store.append('u-1', 'user', [{ type: 'UserRegistered', data: { userId: 'u-1' } }]),
    ).rejects.toBeInstanceOf(InvalidEventError);
    const ok = await store.append('u-1', 'user', [
      {
        type: 'UserRegistered',
        data: {
          userId: 'u-1',
          kind: 'human',
          email: 'a@example.com',
          name: 'A',
          personalOrganizationId: 'o-1',
          registeredAt: '2026-11-22T00:00:00Z',
        },
      },
    ]);
    expect(ok.events[0]!.schemaVersion).toBe(1);
  });

  it('reads events of an older schema version upcast to the current contract, for evolve too', async () => {
    // v1 stored a float `amount`; v2 stores integer cents. The v1 event stays as written.
    const PriceChanged = defineEvent({
      type: 'PriceChanged',
      version: 2,
      domain: 'commerce',
      aggregate: 'price',
      description: 'test contract',
      schema: z.object({ cents: z.number().int() }),
      upcasters: { 1: (d) => ({ cents: Math.round((d as { amount: number }).amount * 100) }) },
    });
    const versioned = new EventStore({ dataSource: db.dataSource, contracts: [PriceChanged] });
    await versioned.append('price-1', 'price', [
      { type: 'PriceChanged', schemaVersion: 1, data: { amount: 2.5 } },
    ]);
    await versioned.append('price-1', 'price', [{ type: 'PriceChanged', data: { cents: 300 } }]);
    await expect(
      versioned.append('price-1', 'price', [{ type: 'PriceChanged', data: { amount: 1 } }]),
    ).rejects.toBeInstanceOf(InvalidEventError);

    const { events } = await versioned.readStream('price-1');
    expect(events.map((e) => [e.schemaVersion, e.data])).toEqual([
      [2, { cents: 250 }],
      [2, { cents: 300 }],
    ]);
    const [stored] = await db.dataSource.query(
      `select schema_version, data from events where stream_id = 'price-1' order by stream_version limit 1`,
    );
    expect(stored).toEqual({ schema_version: 1, data: { amount: 2.5 } });

    const total = await versioned.handle(
      'price-1',
      {
        streamType: 'price',
        initialState: () => [] as number[],
        evolve: (state: number[], event: { type: 'PriceChanged'; data: { cents: number } }) => [
          ...state,
          event.data.cents,
        ],
        decide: () => [],
      },
      {},
    );
    expect(total.state).toEqual([250, 300]);

    await versioned.append('price-2', 'price', [
      { type: 'PriceChanged', schemaVersion: 3, data: { cents: 1 } },
    ]);
    await expect(versioned.readStream('price-2')).rejects.toThrow(/v3 is newer than this reader's contract/);
  });

  it('runs inline projections in the append transaction: readers see them at once', async () => {
    await store.append('c-1', 'counter', [
      { type: 'Incremented', data: { by: 2 } },
      { type: 'Incremented', data: { by: 3 } },
    ]);
    expect(await total('c-1')).toBe(5);
  });

  it('rolls the append back when a projection fails', async () => {
    await store.append('c-2', 'counter', [{ type: 'Incremented', data: { by: 1 } }]);
    await expect(
      store.append('c-2', 'counter', [
        { type: 'Incremented', data: { by: 1 } },
        { type: 'Incremented', data: { by: -1 } },
      ]),
    ).rejects.toThrow('projection refuses negative increments');
    expect((await store.readStream('c-2')).version).toBe(1);
    expect(await total('c-2')).toBe(1);
  });

  it("writes several streams atomically in the caller's transaction", async () => {
    await expect(
      db.dataSource.transaction(async (manager) => {
        await store.append('c-a', 'counter', [{ type: 'Incremented', data: { by: 1 } }], { manager });
        await store.append('c-b', 'counter', [{ type: 'Incremented', data: { by: 1 } }], {
          manager,
          expectedVersion: 0,
        });
        throw new Error('the command fails after both appends');
      }),
    ).rejects.toThrow('the command fails');
    expect((await store.readStream('c-a')).version).toBe(0);
    expect(await total('c-a')).toBeUndefined();

    await db.dataSource.transaction(async (manager) => {
      await store.append('c-a', 'counter', [{ type: 'Incremented', data: { by: 1 } }], { manager });
      await store.append('c-b', 'counter', [{ type: 'Incremented', data: { by: 4 } }], { manager });
    });
    const rows: { stream_id: string; transaction_id: string }[] = await db.dataSource.query(
      `select stream_id, transaction_id::text from events where stream_id in ('c-a', 'c-b')`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.transaction_id).toBe(rows[1]!.transaction_id);
    expect([await total('c-a'), await total('c-b')]).toEqual([1, 4]);
  });

  it('notifies listeners when an append commits, not before', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    try {
      const notes: string[] = [];
      listener.on('notification', (n) => notes.push(n.channel));
      await listener.query(`listen ${EVENTS_CHANNEL}`);
      const runner = db.dataSource.createQueryRunner();
      await runner.startTransaction();
      await store.append('n-1', 'thing', [{ type: 'Made', data: {} }], { manager: runner.manager });
      await new Promise((r) => setTimeout(r, 200));
      expect(notes).toEqual([]);
      await runner.commitTransaction();
      await runner.release();
      const deadline = Date.now() + 5_000;
      while (notes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(notes).toEqual([EVENTS_CHANNEL]);
    } finally {
      await listener.end();
    }
  });

  describe('NEW_STREAM_APPEND_SQL, run inside a function of the caller', () => {
    // what a service embeds in its own plpgsql function: the same rows as append() writes
    beforeAll(async () => {
      await db.dataSource.query(`
        create function test_append_new(p_stream_id text, p_count int, p_events jsonb, p_type text)
        returns table (out_position bigint, out_version bigint) language plpgsql as $fn$
        declare v_position bigint; v_version bigint; v_recorded timestamptz;
        begin
          ${NEW_STREAM_APPEND_SQL} into v_position, v_version, v_recorded;
          return query select v_position, v_version;
        end $fn$`);
    });

    it('writes the stream, the numbered events and the outbox order exactly as append does', async () => {
      const json = store.encodeEvents([{ type: 'Made', data: { n: 1 } }], {
        metadata: { correlationId: 'c-1' },
      });
      const [row] = (await db.dataSource.query(`select * from test_append_new($1, 1, $2, 'thing')`, [
        'fn-1',
        json,
      ])) as { out_position: string; out_version: string }[];
      expect(Number(row!.out_version)).toBe(1);
      const read = await store.readStream('fn-1');
      expect(read.version).toBe(1);
      expect(read.events[0]).toMatchObject({
        type: 'Made',
        data: { n: 1 },
        streamVersion: 1,
        position: Number(row!.out_position),
        metadata: { correlationId: 'c-1' },
      });
      const [stream] = (await db.dataSource.query(
        `select type, version, last_transaction_id is not null as ordered from streams where id = 'fn-1'`,
      )) as { type: string; version: string; ordered: boolean }[];
      expect(stream).toEqual({ type: 'thing', version: '1', ordered: true });
      // a stream that exists is not appended to: no rows
      const again = (await db.dataSource.query(`select * from test_append_new($1, 1, $2, 'thing')`, [
        'fn-1',
        json,
      ])) as { out_version: string | null }[];
      expect(again[0]!.out_version).toBeNull();
      expect((await store.readStream('fn-1')).version).toBe(1);
    });

    it('encodes events as append validates them, and refuses those whose projection the caller does not write', () => {
      expect(() => store.encodeEvents([{ type: 'UserRegistered', data: { userId: 'u-9' } }])).toThrow(
        InvalidEventError,
      );
      expect(() => store.encodeEvents([{ type: 'Incremented', data: { by: 1 } }])).toThrow(/counters/);
      const json = store.encodeEvents([{ type: 'Incremented', data: { by: 1 } }], {
        projectedBy: ['counters'],
      });
      expect(JSON.parse(json)).toEqual([
        { i: expect.any(String), t: 'Incremented', v: 1, d: { by: 1 }, m: {} },
      ]);
    });
  });

  describe('handle', () => {
    it('loads with evolve, decides, appends, and returns the new state', async () => {
      const first = await store.handle('h-1', counter, { by: 2, max: 10 });
      const second = await store.handle('h-1', counter, { by: 3, max: 10 });
      expect([first.state, first.version, second.state, second.version]).toEqual([2, 1, 5, 2]);
      expect(await total('h-1')).toBe(5);
    });

    it('passes errors of decide through untouched and appends nothing', async () => {
      await expect(store.handle('h-2', counter, { by: 11, max: 10 })).rejects.toThrow('over the limit');
      expect((await store.readStream('h-2')).version).toBe(0);
    });

    it('retries on conflict so that concurrent commands all land exactly once', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.handle('h-3', counter, { by: 1, max: 100 }, { maxAttempts: 20 }),
        ),
      );
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await total('h-3')).toBe(8);
    });

    it('gives up with the ConcurrencyError after maxAttempts', async () => {
      await store.append('h-4', 'counter', [{ type: 'Incremented', data: { by: 1 } }]);
      let sneaky = 0;
      const meddling: Decider<number, Increment, CounterEvent> = {
        ...counter,
        decide: (command, state) => {
          sneaky++;
          return counter.decide(command, state);
        },
        evolve: counter.evolve,
      };
      // Another writer appends between every read and append.
      const original = store.readStream.bind(store);
      const spy = jest.spyOn(store, 'readStream').mockImplementation(async (id, options) => {
        const read = await original(id, options);
        await store.append('h-4', 'counter', [{ type: 'Incremented', data: { by: 1 } }]);
        return read as never;
      });
      try {
        await expect(
          store.handle('h-4', meddling, { by: 1, max: 100 }, { maxAttempts: 3 }),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        expect(sneaky).toBe(3);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
