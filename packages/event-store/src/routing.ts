import { contractOf, topicFor } from '@seren/contracts';
import { UnroutableEventError } from './errors.js';

/** Topic for event types that are not in @seren/contracts (undefined = none). */
export type TopicFallback = (event: { type: string; streamId: string }) => string | undefined;

/**
 * Topics are `<domain>.<aggregate>` from the event's contract (see `topicFor` in @seren/contracts);
 * types outside the registry use the configured fallback.
 */
export function topicOf(event: { type: string; streamId: string }, fallback?: TopicFallback): string {
  const contract = contractOf(event.type);
  const topic = contract ? topicFor(contract) : fallback?.(event);
  if (!topic) throw new UnroutableEventError(event.type);
  return topic;
}
