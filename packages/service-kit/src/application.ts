import {
  ConcurrencyError,
  type Decider,
  type EventMetadata,
  type EventShape,
  type EventStore,
} from '@seren/event-store';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The least an application context needs for the write path: the event store and the database it
 * lives in. Each service's context (built once by `startDomainService`'s `build`) extends this.
 */
export interface ApplicationContext {
  store: EventStore;
  dataSource: DataSource;
}

/** How many times `transaction` runs its work, at most, when newer transactions keep appending first. */
const ORDERING_ATTEMPTS = 5;

/**
 * Runs work in one transaction: several streams and read tables change together or not at all.
 *
 * An append refused because a newer transaction appended to the stream first (ConcurrencyError,
 * not `inOrder`: the event store keeps each stream in transaction order) can only pass in a new
 * transaction, so the work runs again in one, up to ORDERING_ATTEMPTS times. It happens when
 * several writers of one stream wait for each other and a later one wins the race (three
 * concurrent updates of one publisher did). `work` must therefore do nothing outside the database
 * that cannot be repeated.
 */
export async function transaction<T>(
  app: Pick<ApplicationContext, 'dataSource'>,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await app.dataSource.transaction(work);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || error.inOrder || attempt >= ORDERING_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/**
 * Loads a stream, decides and appends (retrying on concurrent writers), inside `manager`'s
 * transaction when one is given, else in its own.
 */
export async function handle<State, Command, E extends EventShape>(
  app: Pick<ApplicationContext, 'store'>,
  manager: EntityManager | undefined,
  streamId: string,
  decider: Decider<State, Command, E>,
  command: Command,
  metadata: EventMetadata,
) {
  return app.store.handle(streamId, decider, command, { manager, metadata });
}

/** Maps a unique-index violation of a read model to a domain error (usually a conflict). */
export async function uniquely<T>(
  work: () => Promise<T>,
  onViolation: (constraint: string) => Error,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const pg = error as {
      driverError?: { code?: string; constraint?: string };
      code?: string;
      constraint?: string;
    };
    const code = pg.driverError?.code ?? pg.code;
    if (code === '23505') throw onViolation(pg.driverError?.constraint ?? pg.constraint ?? '');
    throw error;
  }
}
