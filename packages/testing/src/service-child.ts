import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../..');

/**
 * Starts a service in a process of its own, for tests that SIGKILL it mid-job: `start` exported by
 * the TypeScript module `module` (an absolute path, compiled on the fly by event-store's
 * register.js) is called with `env` in the child; resolves once the service listens. The caller
 * kills the child.
 */
export function startServiceChild(options: {
  /** names the child in errors */
  name: string;
  module: string;
  start: string;
  env: Record<string, string | undefined>;
}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(repoRoot, 'packages/event-store/src/test-support/register.js'),
      join(__dirname, 'service-child-main.ts'),
    ],
    {
      env: {
        ...process.env,
        SERVICE_CHILD: JSON.stringify({ module: options.module, start: options.start, env: options.env }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`the ${options.name} child did not start in 90 s`)),
      90_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const ready = /READY (\S+)/.exec(buffer);
      if (ready) {
        clearTimeout(timer);
        resolvePromise({ child, url: ready[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`the ${options.name} child exited with ${code}`)));
  });
}
