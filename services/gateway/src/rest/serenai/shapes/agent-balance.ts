import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { usdcDecimal } from './publisher-charge.js';

// SerenAI's PublisherAgentBalance: what an agent wallet can spend, for a publisher's pre-check.

export const AgentWalletBalanceFields = graphql(`
  fragment AgentWalletBalanceFields on AgentWalletBalance {
    agentWallet
    asset
    balanceAtomic
    fundedAtomic
    promotionalAtomic
  }
`);

export const agentBalanceSchema = z.object({
  agent_wallet: z.string(),
  asset_symbol: z.string(),
  balance_atomic: z.number().int(),
  balance: z.string(),
  funded_atomic: z.number().int(),
  promotional_atomic: z.number().int(),
});

export function agentBalanceToRest(
  ref: FragmentOf<typeof AgentWalletBalanceFields>,
): z.input<typeof agentBalanceSchema> {
  const b = readFragment(AgentWalletBalanceFields, ref);
  return {
    agent_wallet: b.agentWallet,
    asset_symbol: b.asset,
    balance_atomic: Number(b.balanceAtomic),
    balance: usdcDecimal(b.balanceAtomic),
    funded_atomic: Number(b.fundedAtomic),
    promotional_atomic: Number(b.promotionalAtomic),
  };
}
