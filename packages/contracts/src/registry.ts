import type { EventContract } from './define.js';
import { identityEvents } from './identity/events.js';

/** Every event type of the suite. The AsyncAPI document and the consumers' parsers are built from this list. */
export const allEvents: readonly EventContract[] = [...identityEvents];

const byType = new Map(allEvents.map((c) => [c.type, c]));

export function contractOf(type: string): EventContract | undefined {
  return byType.get(type);
}
