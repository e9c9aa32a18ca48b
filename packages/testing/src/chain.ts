import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { infraChainEnv } from './endpoints.js';

export interface PrivateChain {
  /** the chain settings of infraChainEnv() with this chain's RPC_URL: same chain id, USDC address and keys */
  env: Record<string, string>;
  rpcUrl: string;
  close(): Promise<void>;
}

/** The anvil binary infra/ starts (infra/lib/anvil.ts anvilBinary: the root's @foundry-rs/anvil platform package). */
function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const manifest = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
  const binary = join(dirname(manifest), 'bin', 'anvil');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run npm install`);
  return binary;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

/**
 * A chain of the test's own: an anvil on a free port holding a copy of the shared chain's state
 * (infra/'s anvil: its USDC at the same address, the dev accounts' balances and nonces), for a
 * test that changes how the chain runs, such as turning automine off. On the shared chain that
 * would stall every other test's settlement meanwhile (the suites run side by side).
 */
export async function startPrivateChain(): Promise<PrivateChain> {
  const shared = infraChainEnv();
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    anvilBinary(),
    ['--host', '127.0.0.1', '--port', String(port), '--chain-id', shared.CHAIN_ID!, '--silent'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await rpc(rpcUrl, 'eth_chainId');
        break;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await rpc(rpcUrl, 'anvil_loadState', [await rpc(shared.RPC_URL!, 'anvil_dumpState')]);
  } catch (error) {
    await close();
    throw error;
  }
  return { env: { ...shared, RPC_URL: rpcUrl }, rpcUrl, close };
}
