/**
 * The unique index a failed statement ran into (PostgreSQL 23505), if that is why it failed: a
 * read model's unique index is how a rule across records (one email per location) holds under
 * concurrent commands, the loser's transaction failing whole.
 */
export function uniqueViolationOf(error: unknown): string | undefined {
  for (
    let e = error as
      { code?: unknown; constraint?: unknown; driverError?: unknown; cause?: unknown } | undefined;
    e;
  ) {
    if (e.code === '23505') return typeof e.constraint === 'string' ? e.constraint : 'unique';
    e = (e.driverError ?? e.cause) as typeof e | undefined;
  }
  return undefined;
}
