import { contractOf, type EventContract } from '@seren/contracts';
import type { ReceivedEvent } from '../cloudevents.js';
import { InvalidEventError } from '../errors.js';
import type { ConsumedEvent } from './types.js';

/**
 * Turns a received event into what the handler gets, checking its data against the contract (the
 * consumer's own list first, then the registry). A type neither knows passes through unchecked.
 */
export function toConsumedEvent(
  received: ReceivedEvent,
  topic: string,
  contracts: ReadonlyMap<string, EventContract>,
): ConsumedEvent {
  const contract = contracts.get(received.type) ?? contractOf(received.type);
  if (!contract) return { ...received, topic };
  if (contract.version !== received.schemaVersion) {
    // No upcasting yet: a version this consumer does not know is a dead letter, not a guess.
    throw new InvalidEventError(
      `${received.type} v${received.schemaVersion} is not known here (contract is v${contract.version})`,
    );
  }
  const parsed = contract.schema.safeParse(received.data);
  if (!parsed.success)
    throw new InvalidEventError(`${received.type} does not match its contract: ${parsed.error.message}`);
  return { ...received, data: parsed.data, topic };
}

export function contractMap(contracts: readonly EventContract[] | undefined): Map<string, EventContract> {
  return new Map((contracts ?? []).map((c) => [c.type, c]));
}
