// The official x402 clients set up to pay commerce's deposits on the local chain, for tests and
// benchmarks outside this package (the gateway's tests, bench/x402): @x402/fetch (v2) with a viem
// account, and the legacy x402-fetch (v1) with a viem wallet client. Both are devDependencies.
import { ExactEvmScheme } from '@x402/evm';
import { wrapFetchWithPaymentFromConfig } from '@x402/fetch';
import { createWalletClient, defineChain, http, publicActions, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { wrapFetchWithPayment } from 'x402-fetch';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * @x402/fetch paying with `privateKey`; `usdc` is allowed (it is not one of the library's default
 * assets) up to `maxAtomic`. `sent` collects the PAYMENT-SIGNATURE headers it sends.
 */
export function v2PayingFetch(
  privateKey: Hex,
  usdc: Address,
  options: { network?: `eip155:${number}`; maxAtomic?: bigint; sent?: string[] } = {},
): Fetch {
  const network = options.network ?? 'eip155:84532';
  return wrapFetchWithPaymentFromConfig(
    async (input, init) => {
      const request = new Request(input, init);
      const header = request.headers.get('PAYMENT-SIGNATURE');
      if (header) options.sent?.push(header);
      return fetch(request);
    },
    {
      schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(privateKeyToAccount(privateKey)) }],
      spendControls: {
        allowedAssets: [
          { network, asset: usdc, maxAmountPerPayment: String(options.maxAtomic ?? 100_000_000n) },
        ],
      },
    },
  );
}

/** The legacy x402-fetch (v1) paying with `privateKey` on the chain at `rpcUrl` (named by its chain id). */
export function v1PayingFetch(
  privateKey: Hex,
  rpcUrl: string,
  options: { chainId?: number; maxAtomic?: bigint; sent?: string[] } = {},
): Fetch {
  const id = options.chainId ?? 84532;
  const chain = defineChain({
    id,
    name: `eip155:${id}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const wallet = createWalletClient({
    account: privateKeyToAccount(privateKey),
    chain,
    transport: http(rpcUrl),
  }).extend(publicActions);
  return wrapFetchWithPayment(
    async (input: string | URL | Request, init?: RequestInit) => {
      const header = new Headers(init?.headers).get('X-PAYMENT');
      if (header) options.sent?.push(header);
      return fetch(input, init);
    },
    wallet as never,
    options.maxAtomic ?? 100_000_000n,
  ) as Fetch;
}
