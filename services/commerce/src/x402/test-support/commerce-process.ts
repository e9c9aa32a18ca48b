import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../../..');

/** Starts commerce in a child process (./commerce-child.ts) with `env`; resolves once it listens. The caller kills it. */
export function startCommerceChild(
  env: Record<string, string | undefined>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(repoRoot, 'packages/event-store/src/test-support/register.js'),
      join(__dirname, 'commerce-child.ts'),
    ],
    {
      env: { ...process.env, COMMERCE_CHILD_ENV: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the commerce child did not start in 90 s')), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const ready = /READY (\S+)/.exec(buffer);
      if (ready) {
        clearTimeout(timer);
        resolvePromise({ child, url: ready[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`the commerce child exited with ${code}`)));
  });
}
