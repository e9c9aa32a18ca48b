// What every part (postgres, kafka, temporal, stripe-mock) has in common: how it is brought up,
// stopped and reported. Each part's own file says only how to provision, start and probe it.
import { mkdirSync, rmSync } from 'node:fs';
import { partLog, seconds, step, type Log } from './log.ts';
import { runningPid, stopProcess, tailFile } from './process.ts';
import { describe, portInUse, waitUntilReady, withTimeout } from './probe.ts';
import { ENDPOINT_ENV, managedEndpoints, type Endpoints } from './endpoints.ts';
import type { PartName, Settings } from './settings.ts';

export interface Part {
  readonly name: PartName;
  /** what consumers connect to */
  readonly address: string;
  /** set when the environment points this part at a server infra/ does not manage: only probe it */
  readonly externalFrom?: string;
  readonly dir: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** text in the server's command line that tells it apart from an unrelated process with a reused pid */
  readonly processMarker: string;
  /** loopback ports the server listens on; a foreign process on one of them is reported, not fought */
  readonly ports: readonly number[];
  /** the signal that asks the server for a clean shutdown */
  readonly stopSignal: NodeJS.Signals;
  readonly readyTimeoutMs: number;
  /** downloads, builds and one-time initialisation; cached, so cheap when already done */
  provision(log: Log): Promise<void>;
  /** starts the server detached; resolves with its pid */
  start(log: Log): Promise<number>;
  /** one readiness check; throws unless the server answers like a ready one */
  probe(): Promise<void>;
}

export type State = 'up' | 'starting' | 'down';

/**
 * Where a part is, and whether infra/ manages it: a consumer variable (DATABASE_URL, ...) naming
 * another server makes the part external. One naming exactly the server infra/ would start (as
 * `infra/cli.ts env` prints) does not, so exporting those values never stops infra/ starting it.
 */
export function locate(
  settings: Settings,
  endpoint: keyof Endpoints,
): Pick<Part, 'address' | 'externalFrom'> {
  const managed = managedEndpoints(settings.ports)[endpoint];
  const variable = ENDPOINT_ENV[endpoint];
  const configured = settings.env[variable];
  return configured && configured !== managed
    ? { address: configured, externalFrom: variable }
    : { address: managed };
}

const STATUS_PROBE_MS = 5_000;
const STOP_GRACE_MS = 30_000;

/** Brings one part up unless it already is; resolves once it answers as ready. */
export async function up(part: Part): Promise<void> {
  const log = partLog(part.name);
  const startedAt = Date.now();
  if (part.externalFrom) {
    await waitUntilReady({ probe: part.probe, timeoutMs: 15_000 });
    log.ok(`using ${part.address} from ${part.externalFrom} (not managed here)`);
    return;
  }
  mkdirSync(part.dir, { recursive: true });
  const pid = runningPid(part.pidFile, part.processMarker);
  if (pid !== undefined) {
    await awaitReady(part, pid);
    log.ok(`already running at ${part.address} (pid ${pid})`);
    return;
  }
  if (await answersWithoutUs(part, log)) return;
  await part.provision(log);
  const newPid = await startOnceMore(part, log);
  log.ok(`ready at ${part.address} (pid ${newPid}, ${seconds(Date.now() - startedAt)}; log ${part.logFile})`);
}

/**
 * Starts the server and waits for it. A server that dies before answering (a fresh-clone CI run
 * once saw stripe-mock go without a word, killed from outside) is started one more time; a second
 * death is reported with its log.
 */
async function startOnceMore(part: Part, log: Log): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const pid = await part.start(log);
    try {
      await step(log, `waiting for ${part.address} to answer`, () => awaitReady(part, pid));
      return pid;
    } catch (error) {
      if (!(error instanceof ServerExited) || attempt === 2) throw error;
      log.warn(`${error.message}\nstarting it once more`);
    }
  }
}

class ServerExited extends Error {}

/** Stops the part's server if this data directory started it. */
export async function down(part: Part): Promise<void> {
  const log = partLog(part.name);
  if (part.externalFrom) {
    log.info(`${part.address} comes from ${part.externalFrom}; not stopping a server infra/ did not start`);
    return;
  }
  const pid = runningPid(part.pidFile, part.processMarker);
  if (pid === undefined) {
    log.ok('not running');
    return;
  }
  const outcome = await stopProcess(pid, part.stopSignal, STOP_GRACE_MS);
  rmSync(part.pidFile, { force: true });
  if (outcome === 'killed')
    log.warn(`pid ${pid} ignored ${part.stopSignal} for ${seconds(STOP_GRACE_MS)} and was killed`);
  else log.ok(`stopped (pid ${pid})`);
}

export interface Report {
  readonly part: Part;
  readonly state: State;
  /** address, origin and, when not up, why */
  readonly detail: string;
}

/** Probes the part once and says what state it is in. */
export async function inspect(part: Part): Promise<Report> {
  const pid = part.externalFrom ? undefined : runningPid(part.pidFile, part.processMarker);
  const origin = part.externalFrom ? ` (from ${part.externalFrom})` : pid ? ` (pid ${pid})` : '';
  try {
    await withTimeout(STATUS_PROBE_MS, part.address, part.probe());
    return { part, state: 'up', detail: `${part.address}${origin}` };
  } catch (error) {
    return { part, state: pid ? 'starting' : 'down', detail: `${part.address}${origin}: ${describe(error)}` };
  }
}

export function printReport({ part, state, detail }: Report): void {
  const log = partLog(part.name);
  if (state === 'up') log.ok(`${state.padEnd(8)} ${detail}`);
  else log.fail(`${state.padEnd(8)} ${detail}`);
}

/** Runs `work` for each part at once; logs each failure and returns how many failed. */
export async function forEachPart(
  parts: readonly Part[],
  work: (part: Part) => Promise<unknown>,
): Promise<number> {
  const results = await Promise.allSettled(parts.map((part) => work(part)));
  let failures = 0;
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    failures += 1;
    partLog(parts[index]!.name).fail(failureText(result.reason));
  });
  return failures;
}

// Expected failures (a missing tool, a busy port, a server that would not start) say all there is
// to say in their message; anything else is a bug in infra/ and shows where it happened.
function failureText(reason: unknown): string {
  if (!(reason instanceof Error)) return String(reason);
  const isBug = ['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError'].includes(reason.name);
  return isBug ? (reason.stack ?? reason.message) : reason.message;
}

function awaitReady(part: Part, pid: number): Promise<void> {
  return waitUntilReady({
    probe: part.probe,
    timeoutMs: part.readyTimeoutMs,
    check: () => {
      if (runningPid(part.pidFile, part.processMarker) === undefined) {
        throw new ServerExited(
          `the server (pid ${pid}) exited; last lines of ${part.logFile}:\n${tailFile(part.logFile)}`,
        );
      }
    },
  }).catch((error: unknown) => {
    if (error instanceof Error && error.message.startsWith('not ready')) {
      throw new Error(`${error.message}; last lines of ${part.logFile}:\n${tailFile(part.logFile)}`);
    }
    throw error;
  });
}

/**
 * A server this data directory did not start may already hold the port (another checkout, a
 * compose stack). If it answers like ours, use it; if something else holds the port, say so.
 */
async function answersWithoutUs(part: Part, log: Log): Promise<boolean> {
  const busy = [];
  for (const port of part.ports) if (await portInUse('127.0.0.1', port)) busy.push(port);
  if (busy.length === 0) return false;
  try {
    await withTimeout(STATUS_PROBE_MS, part.address, part.probe());
  } catch (error) {
    throw new Error(
      `port ${busy.join(', ')} is taken by another process that does not answer as ${part.name} (${describe(error)}); stop it or choose other ports (see infra/README.md)`,
    );
  }
  log.ok(
    `already answering at ${part.address}, started outside ${part.dir}; using it, infra:down will not stop it`,
  );
  return true;
}
