import { contractOf, upcast, UnknownSchemaVersionError, type EventContract } from '@seren/contracts';
import { InvalidEventError } from './errors.js';

/** Finds an event type's contract: the caller's own list first, then the suite's registry. */
export type ContractLookup = (type: string) => EventContract | undefined;

export function contractLookup(own: readonly EventContract[] | undefined): ContractLookup {
  const byType = new Map((own ?? []).map((c) => [c.type, c]));
  return (type) => byType.get(type) ?? contractOf(type);
}

/**
 * Brings an event's data to its contract's current version (see `upcasters` in @seren/contracts).
 * Types without a contract, and data already current, pass through; a version that cannot be
 * brought up is an InvalidEventError (a consumer dead-letters it rather than guess).
 */
export function upcastEvent<T extends { type: string; data: unknown; schemaVersion: number }>(
  event: T,
  contract: EventContract | undefined,
): T {
  if (!contract || event.schemaVersion === contract.version) return event;
  try {
    return {
      ...event,
      data: upcast(contract, event.data, event.schemaVersion),
      schemaVersion: contract.version,
    };
  } catch (error) {
    if (error instanceof UnknownSchemaVersionError) throw new InvalidEventError(error.message);
    throw error;
  }
}
