import { z } from 'zod';

/**
 * One domain event type: its past-tense name, schema version, the aggregate it belongs to, and the
 * zod schema of its data. The aggregate decides the Kafka topic (see `topicFor`); the key of every
 * message is the aggregate id, so events of one aggregate stay in order on one partition.
 */
export interface EventContract<Type extends string = string, Data extends z.ZodType = z.ZodType> {
  readonly type: Type;
  readonly version: number;
  readonly domain: Domain;
  readonly aggregate: string;
  readonly description: string;
  readonly schema: Data;
  /**
   * Schema evolution: `upcasters[n]` turns data written at version `n` into data of version `n + 1`.
   * Events are never rewritten; readers (the event store's `readStream`, consumers) upcast old
   * versions on the way in, so `evolve` and handlers only ever see the current version.
   */
  readonly upcasters?: Readonly<Record<number, (data: unknown) => unknown>>;
}

/** An event's schema version that its contract cannot bring to the current version. */
export class UnknownSchemaVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownSchemaVersionError';
  }
}

export type Domain = 'identity' | 'crm' | 'content' | 'commerce';

export function defineEvent<Type extends string, Data extends z.ZodType>(
  contract: EventContract<Type, Data>,
): EventContract<Type, Data> {
  if (!/^[A-Z][A-Za-z0-9]+(ed|Sent|Lost|Won|Paid|Due)$/.test(contract.type)) {
    // Event names are facts in the past tense; the pattern catches most slips (e.g. "CreateUser").
    throw new Error(`event type "${contract.type}" should be a past-tense name such as "ContactCreated"`);
  }
  if (!Number.isInteger(contract.version) || contract.version < 1)
    throw new Error(`${contract.type}: version must be a positive integer`);
  for (const from of Object.keys(contract.upcasters ?? {}).map(Number)) {
    if (!Number.isInteger(from) || from < 1 || from >= contract.version)
      throw new Error(`${contract.type}: an upcaster from v${from} does not lead to v${contract.version}`);
  }
  return contract;
}

/**
 * Brings data written at `fromVersion` up to the contract's version, one upcaster at a time. Throws
 * UnknownSchemaVersionError for a version newer than the contract (a producer ahead of this reader)
 * or a gap in the chain; the result is not validated here (callers parse it with the schema).
 */
export function upcast(contract: EventContract, data: unknown, fromVersion: number): unknown {
  if (fromVersion > contract.version)
    throw new UnknownSchemaVersionError(
      `${contract.type} v${fromVersion} is newer than this reader's contract (v${contract.version})`,
    );
  let current = data;
  for (let version = fromVersion; version < contract.version; version++) {
    const step = contract.upcasters?.[version];
    if (!step)
      throw new UnknownSchemaVersionError(
        `${contract.type} v${version} cannot be read: no upcaster from v${version} to v${version + 1}`,
      );
    current = step(current);
  }
  return current;
}

/** The data type of an event contract. */
export type EventData<C> = C extends EventContract<string, infer S> ? z.infer<S> : never;

/** A union of `{ type, data }` records for a list of contracts: what `decide` returns and `evolve` takes. */
export type EventOf<Cs extends readonly EventContract[]> = {
  [K in keyof Cs]: Cs[K] extends EventContract<infer T, infer S> ? { type: T; data: z.infer<S> } : never;
}[number];

/**
 * Topic naming: `<domain>.<aggregate>` (e.g. `identity.user`, `crm.contact`), one topic per
 * aggregate type. Dead letters of a consumer group go to `dlq.<group id>`.
 */
export function topicFor(contract: Pick<EventContract, 'domain' | 'aggregate'>): string {
  return `${contract.domain}.${contract.aggregate}`;
}

export function deadLetterTopicFor(groupId: string): string {
  return `dlq.${groupId}`;
}
