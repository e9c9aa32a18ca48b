// The chain x402 deposits settle on, chosen once from configuration: RPC_URL is any EVM chain in
// production and the local anvil of infra/ (Base Sepolia's chain id, Circle's FiatTokenV2_2 USDC
// deployed at start) in development and tests, which is also the embedded default. The facilitator
// key pays the gas of the settlements; the treasury (X402_PAY_TO) receives the deposits.
import { ConfigError, loadConfig } from '@seren/service-kit';
import { EVM_NETWORK_CHAIN_ID_MAP } from '@x402/evm/v1';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  isAddress,
  nonceManager,
  type Address,
  type Chain,
  type Hex,
} from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { z } from 'zod';

/** What infra/lib/anvil.ts deploys on a fresh local chain (dev accounts of anvil's standard mnemonic). */
export const LOCAL_CHAIN = {
  rpcUrl: 'http://127.0.0.1:18545',
  chainId: 84532,
  usdc: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  /** dev account 1: well known, so only for the local chain */
  facilitatorKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  /** dev account 2 */
  payTo: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
} as const;

const address = z.string().refine((value) => isAddress(value), 'must be a 0x address');

const chainConfig = z.object({
  NODE_ENV: z.string().optional(),
  RPC_URL: z.url().default(LOCAL_CHAIN.rpcUrl),
  CHAIN_ID: z.coerce.number().int().positive().default(LOCAL_CHAIN.chainId),
  USDC_ADDRESS: address.default(LOCAL_CHAIN.usdc),
  /** the token's EIP-712 domain (FiatTokenV2_2: its name, version "2") */
  USDC_EIP712_NAME: z.string().min(1).default('USDC'),
  USDC_EIP712_VERSION: z.string().min(1).default('2'),
  X402_FACILITATOR_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 32-byte hex private key')
    .optional(),
  X402_PAY_TO: address.optional(),
  /** SerenAI's public REST base, for the `resource` of the payment requirements */
  X402_RESOURCE_BASE: z.url().default('http://localhost:4001'),
  /** how long a settlement waits for its receipt before answering `settlement_pending` (the next try reconciles) */
  X402_CONFIRMATION_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** how long a payment authorization the 402 asks for stays valid */
  X402_MAX_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(300),
});

export interface X402Chain {
  rpcUrl: string;
  chain: Chain;
  /** CAIP-2, for x402 v2: `eip155:<chain id>` */
  network: `eip155:${number}`;
  /** x402 v1's name for the chain (`base-sepolia`), when it has one: v1 clients know only named networks */
  v1Network?: string;
  usdc: { address: Address; name: string; version: string; decimals: 6 };
  payTo: Address;
  facilitator: PrivateKeyAccount;
  maxTimeoutSeconds: number;
  /** the receipt wait of a settlement */
  confirmationTimeoutMs: number;
  /** SerenAI's public REST base URL (the payment's resource is `<base>/wallet/deposit/crypto`) */
  resourceBase: string;
  publicClient: ReturnType<typeof createPublicClient>;
  walletClient: ReturnType<typeof createWalletClient>;
  /** for the startup log (never the key) */
  description: {
    rpcUrl: string;
    chainId: number;
    usdc: Address;
    payTo: Address;
    facilitator: Address;
    local: boolean;
  };
}

export function chainOf(env: Record<string, string | undefined> = process.env): X402Chain {
  const config = loadConfig(chainConfig, env);
  const local = config.RPC_URL === LOCAL_CHAIN.rpcUrl || new URL(config.RPC_URL).hostname === '127.0.0.1';
  if (!config.X402_FACILITATOR_PRIVATE_KEY && (!local || config.NODE_ENV === 'production'))
    throw new ConfigError([
      {
        variable: 'X402_FACILITATOR_PRIVATE_KEY',
        problem: 'must be set for a chain other than the local anvil and in production',
      },
    ]);
  if (!config.X402_PAY_TO && (!local || config.NODE_ENV === 'production'))
    throw new ConfigError([
      {
        variable: 'X402_PAY_TO',
        problem: 'must be set for a chain other than the local anvil and in production',
      },
    ]);
  const chain = defineChain({
    id: config.CHAIN_ID,
    name: `eip155:${config.CHAIN_ID}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.RPC_URL] } },
  });
  // one nonce sequence per process, so concurrent settlements never reuse a transaction nonce
  const facilitator = privateKeyToAccount(
    (config.X402_FACILITATOR_PRIVATE_KEY ?? LOCAL_CHAIN.facilitatorKey) as Hex,
    { nonceManager },
  );
  const transport = http(config.RPC_URL, { timeout: 20_000 });
  const usdc = {
    address: config.USDC_ADDRESS as Address,
    name: config.USDC_EIP712_NAME,
    version: config.USDC_EIP712_VERSION,
    decimals: 6 as const,
  };
  const payTo = (config.X402_PAY_TO ?? LOCAL_CHAIN.payTo) as Address;
  const v1Network = Object.entries(EVM_NETWORK_CHAIN_ID_MAP).find(([, id]) => id === config.CHAIN_ID)?.[0];
  return {
    rpcUrl: config.RPC_URL,
    chain,
    network: `eip155:${config.CHAIN_ID}`,
    v1Network,
    usdc,
    payTo,
    facilitator,
    maxTimeoutSeconds: config.X402_MAX_TIMEOUT_SECONDS,
    confirmationTimeoutMs: config.X402_CONFIRMATION_TIMEOUT_MS,
    resourceBase: config.X402_RESOURCE_BASE,
    // receipts are polled every 250 ms (viem's default is 4 s): a settlement waits for its block, not for the poll
    publicClient: createPublicClient({ chain, transport, pollingInterval: 250 }),
    walletClient: createWalletClient({ chain, transport, account: facilitator, pollingInterval: 250 }),
    description: {
      rpcUrl: config.RPC_URL,
      chainId: config.CHAIN_ID,
      usdc: usdc.address,
      payTo,
      facilitator: facilitator.address,
      local,
    },
  };
}
