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
}

export type Domain = 'identity' | 'crm' | 'content' | 'commerce';

export function defineEvent<Type extends string, Data extends z.ZodType>(
  contract: EventContract<Type, Data>,
): EventContract<Type, Data> {
  if (!/^[A-Z][A-Za-z]+(ed|Sent|Lost|Won|Paid|Due)$/.test(contract.type)) {
    // Event names are facts in the past tense; the pattern catches most slips (e.g. "CreateUser").
    throw new Error(`event type "${contract.type}" should be a past-tense name such as "ContactCreated"`);
  }
  return contract;
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
