import type { ReceivedEvent } from '../cloudevents.js';
import { upcastEvent, type ContractLookup } from '../contracts.js';
import { InvalidEventError } from '../errors.js';
import type { ConsumedEvent } from './types.js';

/**
 * Turns a received event into what the handler gets: data of an older schema version is upcast to
 * the contract's version, then checked against the contract (the consumer's own list first, then
 * the registry). A type neither knows passes through unchecked.
 */
export function toConsumedEvent(
  received: ReceivedEvent,
  topic: string,
  contracts: ContractLookup,
): ConsumedEvent {
  const contract = contracts(received.type);
  if (!contract) return { ...received, topic };
  const current = upcastEvent(received, contract);
  const parsed = contract.schema.safeParse(current.data);
  if (!parsed.success)
    throw new InvalidEventError(`${received.type} does not match its contract: ${parsed.error.message}`);
  return { ...current, data: parsed.data, topic };
}
