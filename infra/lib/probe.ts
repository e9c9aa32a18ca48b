// Readiness is decided by asking the server itself, repeatedly, never by waiting a fixed time.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether something accepts TCP connections on host:port. */
export function portInUse(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Rejects after `ms` so that one hung probe cannot stall the loop. */
export async function withTimeout<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WaitOptions {
  /** one attempt; resolves when the server answers as a ready server does */
  probe: () => Promise<void>;
  timeoutMs: number;
  /** throws to stop waiting early, e.g. when the server process has exited */
  check?: () => void;
  intervalMs?: number;
}

/** Probes until the server is ready; on timeout the error carries the last probe failure. */
export async function waitUntilReady({
  probe,
  timeoutMs,
  check,
  intervalMs = 250,
}: WaitOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    check?.();
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`not ready after ${Math.round(timeoutMs / 1000)}s: ${describe(lastError)}`);
    }
    await sleep(intervalMs);
  }
}

export function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const message = error.message || error.name;
    // fetch hides the reason (e.g. ECONNREFUSED) in `cause`
    return error.cause === undefined ? message : `${message}: ${describe(error.cause)}`;
  }
  return String(error);
}
