/**
 * The stream moved on since the caller read it: another writer appended first. The caller reloads
 * the stream and decides again (`EventStore.handle` does this a bounded number of times).
 *
 * `inOrder` false means the version was right but a transaction newer than the caller's appended
 * to the stream meanwhile: appending now would put the caller's events behind theirs on Kafka, out
 * of stream order. Only a new transaction (with a newer id) can append; `handle` and unchecked
 * appends in the store's own transactions do that themselves.
 */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  readonly inOrder: boolean;

  constructor(
    readonly streamId: string,
    /** The version the caller expected (`'any'` when it did not check). */
    readonly expected: number | 'any',
    /** The stream's version when the append was refused (0 = the stream does not exist). */
    readonly actual: number,
  ) {
    const inOrder = expected !== 'any' && expected !== actual;
    super(
      inOrder
        ? `stream "${streamId}" is at version ${actual}, expected ${expected}`
        : `stream "${streamId}" (version ${actual}) was appended by a newer transaction; retry in a new transaction`,
    );
    this.inOrder = inOrder;
  }
}

/** An event cannot be routed to a topic: its type is not in the contracts and no fallback was configured. */
export class UnroutableEventError extends Error {
  override readonly name = 'UnroutableEventError';

  constructor(readonly eventType: string) {
    super(`no topic for event type "${eventType}": add it to @seren/contracts or pass topicFor to the relay`);
  }
}

/** A consumed message is not a valid event (missing CloudEvents headers, bad JSON, or data that fails its contract). */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}
