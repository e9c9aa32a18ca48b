// Small typed conversions the shape files use between the graph's types and the documented bodies.

/** An enum value of the graph as the REST APIs write it: `PERSONAL` → `personal` (typed as such). */
export const lower = <T extends string>(value: T): Lowercase<T> => value.toLowerCase() as Lowercase<T>;

/**
 * A value the graph types as nullable that the row guarantees (e.g. `me` on a route that requires
 * a caller). A null is the gateway's bug, not the client's: it fails loudly (500, logged).
 */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is unexpectedly null`);
  return value;
}

/** A string the graph types as `String` that the REST API documents as one of a few literals. */
export function literal<const L extends string>(value: string, allowed: readonly L[]): L {
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`"${value}" is not one of ${allowed.join(', ')}`);
  return value as L;
}
