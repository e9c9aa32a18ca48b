// The in-process x402 facilitator: @x402/core's x402Facilitator with @x402/evm's `exact` scheme
// (EIP-3009 transferWithAuthorization) for v2 on the chain's CAIP-2 network and for v1 on its
// named network. The library verifies the signed authorization (signature, amount, recipient,
// validity window, the token's nonce, a simulation) and settles it by sending the transaction from
// the facilitator's key; none of that is written here.
import { x402Facilitator, type PendingSettlementStore } from '@x402/core/facilitator';
import { toFacilitatorEvmSigner } from '@x402/evm';
import { ExactEvmScheme } from '@x402/evm/exact/facilitator';
import { ExactEvmSchemeV1 } from '@x402/evm/exact/v1/facilitator';
import type { DataSource } from 'typeorm';
import type { X402Chain } from './chain.js';

/**
 * A PostgreSQL-backed PendingSettlementStore: when a settlement's transaction was broadcast but its
 * receipt did not come in time, the scheme records the hash here, and a retried settle of the same
 * payload (on this process or another replica) reconciles against that transaction instead of
 * sending a second one. Entries older than a day are ignored (as the library's in-memory store does).
 */
export class PostgresPendingSettlementStore implements PendingSettlementStore {
  constructor(private readonly dataSource: DataSource) {}

  async get(key: string): Promise<string | undefined> {
    const rows: { tx_hash: string }[] = await this.dataSource.query(
      `select tx_hash from x402_pending_settlements where key = $1 and created_at > now() - interval '1 day'`,
      [key],
    );
    return rows[0]?.tx_hash;
  }

  async set(key: string, txHash: string): Promise<void> {
    await this.dataSource.query(
      `insert into x402_pending_settlements (key, tx_hash) values ($1, $2)
       on conflict (key) do update set tx_hash = excluded.tx_hash, created_at = now()`,
      [key, txHash],
    );
  }

  async delete(key: string): Promise<void> {
    await this.dataSource.query(`delete from x402_pending_settlements where key = $1`, [key]);
  }
}

export function buildFacilitator(chain: X402Chain, dataSource: DataSource): x402Facilitator {
  const wallet = chain.walletClient;
  const reader = chain.publicClient;
  const account = chain.facilitator;
  const signer = toFacilitatorEvmSigner(
    {
      address: account.address,
      getCode: (args) => reader.getCode(args),
      readContract: (args) => reader.readContract({ ...args, args: args.args ?? [] } as never),
      verifyTypedData: (args) => reader.verifyTypedData(args as never),
      writeContract: (args) =>
        wallet.writeContract({ ...args, args: args.args ?? [], account, chain: chain.chain } as never),
      sendTransaction: (args) => wallet.sendTransaction({ ...args, account, chain: chain.chain }),
      waitForTransactionReceipt: (args) => reader.waitForTransactionReceipt(args),
    },
    { confirmationTimeoutMs: chain.confirmationTimeoutMs },
  );
  const facilitator = new x402Facilitator().register(
    chain.network,
    new ExactEvmScheme(signer, { pendingSettlementStore: new PostgresPendingSettlementStore(dataSource) }),
  );
  if (chain.v1Network) facilitator.registerV1(chain.v1Network as never, new ExactEvmSchemeV1(signer));
  return facilitator;
}
