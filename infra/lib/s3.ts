// S3-compatible object storage: SeaweedFS (Apache-2.0; MinIO's server is AGPL, so not that), its
// master, volume server, filer and S3 gateway in one `weed server` process, built from the Go
// module proxy at a pinned version. Content stores uploaded sources in it when S3_ENDPOINT is set.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureGoTool, type GoTool } from './go-tool.ts';
import { spawnDetached } from './process.ts';
import { locate, type Part } from './part.ts';
import type { Settings } from './settings.ts';

export const SEAWEEDFS: GoTool = {
  binary: 'weed',
  pkg: 'github.com/seaweedfs/seaweedfs/weed',
  module: 'github.com/seaweedfs/seaweedfs',
  version: 'v0.0.0-20261109003541-7506e5f91cd6',
};

/** The one identity the local server knows; `infra/cli.ts env` prints them beside S3_ENDPOINT. */
export const S3_CREDENTIALS = { accessKeyId: 'seren', secretAccessKey: 'seren-local-secret' } as const;

export function s3Part(settings: Settings): Part {
  const dir = join(settings.dataDir, 's3');
  const pidFile = join(dir, 'weed.pid');
  const logFile = join(dir, 'weed.log');
  const s3 = settings.ports.s3;
  const [master, volume, filer] = [s3 + 1, s3 + 2, s3 + 3];
  const { address, externalFrom } = locate(settings, 's3Endpoint');
  let binary = join(settings.cacheDir, 'bin', SEAWEEDFS.binary);
  const config = join(dir, 's3-identities.json');

  return {
    name: 's3',
    address,
    externalFrom,
    dir,
    pidFile,
    logFile,
    processMarker: '-s3.config',
    ports: [s3, master, volume, filer, s3 + 10, master + 10, volume + 10, filer + 10],
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 60_000,
    provision: async (log) => {
      binary = await ensureGoTool(settings.cacheDir, SEAWEEDFS, log);
      mkdirSync(join(dir, 'data'), { recursive: true });
      writeFileSync(
        config,
        JSON.stringify({
          identities: [
            {
              name: 'seren',
              credentials: [
                { accessKey: S3_CREDENTIALS.accessKeyId, secretKey: S3_CREDENTIALS.secretAccessKey },
              ],
              actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
            },
          ],
        }),
      );
    },
    start: () =>
      spawnDetached({
        command: binary,
        args: [
          'server',
          `-dir=${join(dir, 'data')}`,
          '-ip=127.0.0.1',
          '-ip.bind=127.0.0.1',
          `-master.port=${master}`,
          `-master.port.grpc=${master + 10}`,
          // small volumes, as many as the disk holds: each bucket is a collection with volumes of
          // its own (tests that make buckets would run out of the default 8 × 30 GB)
          '-master.volumeSizeLimitMB=64',
          '-volume.max=0',
          `-volume.port=${volume}`,
          `-volume.port.grpc=${volume + 10}`,
          '-filer',
          `-filer.port=${filer}`,
          `-filer.port.grpc=${filer + 10}`,
          '-s3',
          `-s3.port=${s3}`,
          `-s3.port.grpc=${s3 + 10}`,
          '-s3.port.iceberg=0',
          '-s3.port.lance=0',
          `-s3.config=${config}`,
        ],
        cwd: dir,
        logFile,
        pidFile,
      }),
    probe: () => probeS3(address, !externalFrom),
  };
}

/**
 * SeaweedFS's gateway answers /healthz once its filer is reachable. Any other S3 server (an
 * external S3_ENDPOINT) shows it speaks S3 by refusing an unsigned request with an XML error.
 */
async function probeS3(base: string, managed: boolean): Promise<void> {
  if (managed) {
    const health = await fetch(new URL('/healthz', base), { signal: AbortSignal.timeout(3_000) });
    await health.body?.cancel();
    if (health.status !== 200) throw new Error(`GET /healthz answered ${health.status}`);
  }
  const response = await fetch(new URL('/', base), { signal: AbortSignal.timeout(3_000) });
  const text = await response.text();
  if ((response.status === 200 || response.status === 403) && text.includes('<')) return;
  throw new Error(`GET / answered ${response.status}, not an S3 XML answer`);
}
