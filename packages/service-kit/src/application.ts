import type { Decider, EventMetadata, EventShape, EventStore } from '@seren/event-store';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The least an application context needs for the write path: the event store and the database it
 * lives in. Each service's context (built once by `startDomainService`'s `build`) extends this.
 */
export interface ApplicationContext {
  store: EventStore;
  dataSource: DataSource;
}

/** Runs work in one transaction: several streams and read tables change together or not at all. */
export function transaction<T>(
  app: Pick<ApplicationContext, 'dataSource'>,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return app.dataSource.transaction(work);
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
