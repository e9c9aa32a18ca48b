// Progress lines for humans and CI logs alike: one line per event, prefixed by the part's name,
// so the output of parts that start in parallel stays readable.

const NAME_WIDTH = 11;

export interface Log {
  info(message: string): void;
  ok(message: string): void;
  warn(message: string): void;
  fail(message: string): void;
}

export function partLog(name: string): Log {
  const prefix = `[infra] ${name.padEnd(NAME_WIDTH)}`;
  return {
    info: (message) => console.log(`${prefix}   ${message}`),
    ok: (message) => console.log(`${prefix} ✓ ${message}`),
    warn: (message) => console.warn(`${prefix} ! ${message}`),
    fail: (message) => console.error(`${prefix} ✗ ${message}`),
  };
}

export function seconds(ms: number): string {
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)}s`
    : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

/**
 * Runs a slow step and says so: a line when it starts, a heartbeat while it runs (a cold build of
 * the temporal CLI takes minutes and silence looks like a hang), and its duration when it ends.
 */
export async function step<T>(
  log: Log,
  what: string,
  work: () => Promise<T>,
  heartbeatMs = 15_000,
): Promise<T> {
  const startedAt = Date.now();
  log.info(`${what} ...`);
  const heartbeat = setInterval(
    () => log.info(`... ${what}: ${seconds(Date.now() - startedAt)} so far`),
    heartbeatMs,
  );
  try {
    const result = await work();
    log.info(`${what}: done in ${seconds(Date.now() - startedAt)}`);
    return result;
  } finally {
    clearInterval(heartbeat);
  }
}
