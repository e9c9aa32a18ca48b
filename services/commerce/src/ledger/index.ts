// The double-entry ledger: every money movement of commerce is one balanced journal entry posted
// here, inside the feature's own transaction. See the commerce README, "Ledger".
export { accounts, agentWallet, allowsOverdraft, type SystemAccount } from './accounts.js';
export { assets, decimalsOf, formatAmount, isAsset, parseAmount, type Asset } from './amounts.js';
export { insufficientFunds, ledgerErrors, type LedgerReason } from './errors.js';
export {
  IDEMPOTENCY_RETENTION_HOURS,
  purgeIdempotencyKeys,
  requestHashOf,
  withIdempotency,
  type ClaimedKey,
  type IdempotencyRequest,
} from './idempotency.js';
export {
  balanceOf,
  balances,
  entriesOf,
  organizationOfWallet,
  postEntry,
  type EntriesFilter,
  type Entry,
  type EntryLine,
  type NewEntry,
  type PostOptions,
  type PostedEntry,
} from './journal.js';
export {
  captureHold,
  expiredHolds,
  findHold,
  pendingHolds,
  placeHold,
  releaseHold,
  type CaptureInput,
  type Hold,
  type HoldStatus,
  type PlaceHoldInput,
  type SettledHold,
} from './holds.js';
export { preparedQuery } from './prepared.js';
