import { CreateLedger1795700100000 } from './1795700100000-create-ledger.js';
import { CreateCharges1795700110000 } from './1795700110000-create-charges.js';
import { ShardLedgerBalances1795700120000 } from './1795700120000-shard-ledger-balances.js';
import { CreateWallet1795700200000 } from './1795700200000-create-wallet.js';
import { CreateStripePaymentMethodsPlans1795700300000 } from './1795700300000-create-stripe-payment-methods-plans.js';
import { CreateX4021795700400000 } from './1795700400000-create-x402.js';
import { CreateHoldsProxy1796400000000 } from './1796400000000-create-holds-proxy.js';
import { CreatePublisherCatalog1796300000000 } from './1796300000000-create-publisher-catalog.js';
import { CreateAgentTasks1796500000000 } from './1796500000000-create-agent-tasks.js';
import { CreateChargeFunction1796800000000 } from './1796800000000-create-charge-function.js';
import { ChargeFunctionSkipsDeletedPublishers1796800100000 } from './1796800100000-charge-function-skips-deleted-publishers.js';
import { ChargesThroughput1797300000000 } from './1797300000000-charges-throughput.js';
import { StripeDepositReversals1797300100000 } from './1797300100000-stripe-deposit-reversals.js';
import { DropUnusedChargeIndexes1797300200000 } from './1797300200000-drop-unused-charge-indexes.js';
import { LedgerDebitLockedShards1797350000000 } from './1797350000000-ledger-debit-locked-shards.js';
import { ProxyCallFunctions1797400000000 } from './1797400000000-proxy-call-functions.js';
import { LowBalanceNotices1797500000000 } from './1797500000000-low-balance-notices.js';

// Each commerce feature numbers its migrations in its own range, so helpers working side by side
// never collide: ledger and charges 17957001xxxxx, wallet 17957002xxxxx, stripe/payment methods/plans
// 17957003xxxxx, x402 17957004xxxxx.
export const commerceMigrations = [
  CreateLedger1795700100000,
  CreateCharges1795700110000,
  ShardLedgerBalances1795700120000,
  CreateWallet1795700200000,
  CreateStripePaymentMethodsPlans1795700300000,
  CreateX4021795700400000,
  CreatePublisherCatalog1796300000000,
  CreateHoldsProxy1796400000000,
  CreateAgentTasks1796500000000,
  CreateChargeFunction1796800000000,
  ChargeFunctionSkipsDeletedPublishers1796800100000,
  ChargesThroughput1797300000000,
  StripeDepositReversals1797300100000,
  DropUnusedChargeIndexes1797300200000,
  LedgerDebitLockedShards1797350000000,
  ProxyCallFunctions1797400000000,
  LowBalanceNotices1797500000000,
];
