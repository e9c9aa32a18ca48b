import { createHash } from 'node:crypto';
import type { Asset } from './amounts.js';

/**
 * Ledger account ids. An account holds one asset; its id says whose it is and which asset:
 * `agent:<organization>:funded:USDC`, `publisher:<publisher>:earnings:USDC`, `system:fees:USD`.
 */
export type SystemAccount =
  | 'stripe_clearing'
  | 'onchain_clearing'
  | 'promotions'
  | 'fees'
  /** what Stripe took back (refunds, disputes) that the agent's wallet had already spent: the platform's loss */
  | 'stripe_losses';

export const accounts = {
  /** money the agent's organization paid in (Stripe, x402); spent after its promotional credit */
  agentFunded: (organizationId: string, asset: Asset) => `agent:${organizationId}:funded:${asset}`,
  /** credit the platform gave the organization (bonuses, daily claims, referrals) */
  agentPromotional: (organizationId: string, asset: Asset) => `agent:${organizationId}:promotional:${asset}`,
  /** the organization's money held for calls in flight (ledger/holds.ts): captured or released when they end */
  agentHeld: (organizationId: string, asset: Asset) => `agent:${organizationId}:held:${asset}`,
  /** what agents paid the publisher, less refunds and slashes; paid out later */
  publisherEarnings: (publisherId: string, asset: Asset) => `publisher:${publisherId}:earnings:${asset}`,
  /**
   * The platform's side of every movement: the clearing accounts go negative by what came in from
   * outside (Stripe, the chain), promotions by what was given away, fees grow by what was kept.
   */
  system: (name: SystemAccount, asset: Asset) => `system:${name}:${asset}`,
};

/** The asset an account id names (its last part). */
export function assetOfAccount(account: string): string {
  return account.slice(account.lastIndexOf(':') + 1);
}

/**
 * Only system accounts may go below zero (the documented overdraft: they are the other side of money
 * that entered or left the platform). Agents' and publishers' balances never do; the database refuses
 * it too (a check constraint on `ledger_balances`).
 */
export function allowsOverdraft(account: string): boolean {
  return account.startsWith('system:');
}

/**
 * Publisher and system accounts keep their balance in several rows (`ledger_balances.shard`, see the
 * shard migration): many transactions credit them at once. An agent's accounts keep one row.
 * Readers of ledger_balances sum an account's rows.
 */
export function isSharded(account: string): boolean {
  return !account.startsWith('agent:');
}

/** The organization an agent account belongs to, else undefined. */
export function organizationOfAccount(account: string): string | undefined {
  if (!account.startsWith('agent:')) return undefined;
  return account.slice('agent:'.length, account.indexOf(':', 'agent:'.length));
}

/**
 * The agent wallet address of an organization: what publishers know an agent by
 * (`agent_wallet`, `GET /wallet/lookup/{agent_wallet}`). Address-shaped (0x + 40 hex) and derived
 * from the organization id, so it is stable without being stored; it holds no key and is not an
 * on-chain account: the money it names is in the ledger. The ledger records it (`agent_wallets`)
 * with the organization's first entry, so a lookup finds the organization.
 */
export function agentWallet(organizationId: string): string {
  return `0x${createHash('sha256').update(`seren-agent-wallet:${organizationId}`).digest('hex').slice(0, 40)}`;
}
