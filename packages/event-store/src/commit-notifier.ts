import type { Pool } from 'pg';
import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** The channel appends notify after commit; the relay and the PostgreSQL feed listen on it. */
export const EVENTS_CHANNEL = 'seren_events';

/**
 * Wakes the relay after events commit. The NOTIFY is sent after the commit, in a statement of its
 * own, not inside the appending transaction: PostgreSQL serialises the commits of transactions that
 * NOTIFY (a global lock held across the commit's WAL flush), which cost concurrent appends ~2.7x
 * here. At most one NOTIFY is in flight; appends that commit meanwhile share the next one, so the
 * wake-up costs little under load and nothing is missed (the next NOTIFY is sent after they
 * committed). A lost wake-up (e.g. a crash right after commit) is covered by the readers' polling.
 */
export class CommitNotifier {
  private inFlight = false;
  private again = false;
  /** Query runners of caller transactions that appended and have not finished. */
  private readonly pending = new WeakSet<QueryRunner>();
  private readonly subscribers = new WeakMap<DataSource, EntitySubscriberInterface>();

  constructor(private readonly dataSource: DataSource) {}

  /** Call after a transaction of ours with appends committed. */
  committed(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    void this.send();
  }

  /** Call when appending inside a caller's transaction: notifies when its outermost commit is done. */
  appendedIn(queryRunner: QueryRunner): void {
    this.watch(queryRunner.connection);
    this.pending.add(queryRunner);
  }

  private watch(dataSource: DataSource): void {
    // Checked each time: typeorm replaces the subscriber list when a DataSource is initialised again.
    const known = this.subscribers.get(dataSource);
    if (known && dataSource.subscribers.includes(known)) return;
    const subscriber: EntitySubscriberInterface = known ?? {
      // typeorm also reports savepoint releases and rollbacks: only the outermost one counts.
      afterTransactionCommit: ({ queryRunner }) => {
        if (queryRunner.isTransactionActive || !this.pending.has(queryRunner)) return;
        this.pending.delete(queryRunner);
        this.committed();
      },
      afterTransactionRollback: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) this.pending.delete(queryRunner);
      },
    };
    this.subscribers.set(dataSource, subscriber);
    dataSource.subscribers.push(subscriber);
  }

  private async send(): Promise<void> {
    try {
      do {
        this.again = false;
        if (!this.dataSource.isInitialized) return;
        // Straight on the driver's pg pool: a simple-protocol NOTIFY without typeorm's query-runner
        // bookkeeping costs a fraction of the CPU, which matters on the append path.
        const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
        await pool.query(`notify ${EVENTS_CHANNEL}`).catch(() => undefined);
      } while (this.again);
    } finally {
      this.inFlight = false;
    }
  }
}
