// `POST /wallet/deposit/crypto`: an on-chain USDC deposit by the x402 protocol, both versions.
//
// 1. Without a payment header: 402 with the payment requirements for the amount asked, as v2
//    (`PAYMENT-REQUIRED` header, CAIP-2 network) and as v1 (body `{x402Version: 1, accepts}`, the
//    named network), so either generation of client can pay.
// 2. With `PAYMENT-SIGNATURE` (v2) or `X-PAYMENT` (v1): the in-process facilitator verifies the
//    signed EIP-3009 authorization and settles it on-chain; the organization's funded USDC balance
//    is credited by one ledger entry whose reference is the settled transaction hash (and a Stripe
//    shortfall the organization owes is collected from it in the same transaction:
//    wallet/shortfall.ts), and the settlement comes back in `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE`.
//
// Once per authorization: its (network, payer, nonce) is locked for the whole settlement and
// recorded with the credit in one transaction (x402_settlements), so a replay is refused (402,
// `invalid_exact_evm_nonce_already_used`) and two concurrent requests with the same header settle
// once. A settlement whose transaction was mined but not credited (the process died in between, or
// the receipt wait timed out) is found again on the next try with the same header: the token says
// the nonce is used, and its AuthorizationUsed log names the transaction, which is credited then
// (v2's PendingSettlementStore also keeps the library from sending a second transaction).
import {
  eventMetadataOf,
  notFound,
  unauthenticated,
  validationError,
  type RequestOrigin,
} from '@seren/service-kit';
import type { PaymentPayload, PaymentRequired, PaymentRequirements, SettleResponse } from '@x402/core/types';
import type { PaymentRequirementsV1 } from '@x402/core/types/v1';
import {
  decodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
} from '@x402/core/http';
import type { x402Facilitator } from '@x402/core/facilitator';
import { getAddress, isAddressEqual, parseAbi, parseEventLogs, type Address, type Hex } from 'viem';
import type { Commerce } from '../application.js';
import { findPublisher } from '../charges/index.js';
import { accounts, agentWallet, balances, formatAmount, parseAmount, postEntry } from '../ledger/index.js';
import { collectShortfall } from '../wallet/shortfall.js';
import type { X402Chain } from './chain.js';

export interface X402 {
  chain: X402Chain;
  facilitator: x402Facilitator;
}

export interface CryptoDepositRequest {
  amount?: unknown;
  asset_id?: unknown;
  publisher_id?: unknown;
}

/** What the route answers: status, x402 headers, body. */
export interface X402Answer {
  status: 200 | 402;
  headers: Record<string, string>;
  body: unknown;
}

const DEPOSIT_DESCRIPTION = 'SerenAI wallet deposit (USDC)';

/** The refusal reason of a reused authorization, as @x402/evm names it. */
export const NONCE_ALREADY_USED = 'invalid_exact_evm_nonce_already_used';

const tokenEvents = parseAbi([
  'event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'function authorizationState(address authorizer, bytes32 nonce) view returns (bool)',
]);

interface Checked {
  amount: bigint;
  publisherId: string;
}

function checkRequest(x402: X402, body: CryptoDepositRequest): Checked {
  if (typeof body.amount !== 'string')
    throw validationError('amount must be a decimal string, e.g. "10.50"', { field: 'amount' });
  const amount = parseAmount(body.amount, 'USDC');
  if (amount === undefined || amount <= 0n)
    throw validationError('amount must be a positive decimal string with at most 6 decimals', {
      field: 'amount',
    });
  if (typeof body.publisher_id !== 'string' || body.publisher_id.trim() === '')
    throw validationError('publisher_id is required', { field: 'publisher_id' });
  const asset = body.asset_id;
  if (asset !== undefined && asset !== null) {
    const known =
      typeof asset === 'string' &&
      (asset.toUpperCase() === 'USDC' ||
        (/^0x[0-9a-fA-F]{40}$/.test(asset) && isAddressEqual(asset as Address, x402.chain.usdc.address)));
    if (!known)
      throw validationError(`asset_id must be USDC (${x402.chain.usdc.address})`, {
        field: 'asset_id',
        reason: 'UNSUPPORTED_ASSET',
      });
  }
  return { amount, publisherId: body.publisher_id };
}

/** The v2 requirements for `amount` atomic USDC. */
export function requirementsV2(chain: X402Chain, amount: bigint): PaymentRequirements {
  return {
    scheme: 'exact',
    network: chain.network,
    asset: chain.usdc.address,
    amount: amount.toString(),
    payTo: chain.payTo,
    maxTimeoutSeconds: chain.maxTimeoutSeconds,
    extra: { name: chain.usdc.name, version: chain.usdc.version },
  };
}

/** The v1 requirements for `amount` (only on a chain v1 has a name for). */
export function requirementsV1(
  chain: X402Chain,
  amount: bigint,
  resource: string,
): PaymentRequirementsV1 | undefined {
  if (!chain.v1Network) return undefined;
  return {
    scheme: 'exact',
    network: chain.v1Network as PaymentRequirementsV1['network'],
    maxAmountRequired: amount.toString(),
    resource,
    description: DEPOSIT_DESCRIPTION,
    mimeType: 'application/json',
    outputSchema: {},
    payTo: chain.payTo,
    maxTimeoutSeconds: chain.maxTimeoutSeconds,
    asset: chain.usdc.address,
    extra: { name: chain.usdc.name, version: chain.usdc.version },
  };
}

/** A 402: the requirements as v2 (header) and v1 (body), with why the payment was refused if it was. */
export function paymentRequiredAnswer(
  chain: X402Chain,
  amount: bigint,
  resource: string,
  error: string,
): X402Answer {
  const required: PaymentRequired = {
    x402Version: 2,
    error,
    resource: { url: resource, description: DEPOSIT_DESCRIPTION, mimeType: 'application/json' },
    accepts: [requirementsV2(chain, amount)],
  };
  const v1 = requirementsV1(chain, amount, resource);
  return {
    status: 402,
    headers: { 'PAYMENT-REQUIRED': encodePaymentRequiredHeader(required) },
    body: { x402Version: 1, error, accepts: v1 ? [v1] : [] },
  };
}

interface Authorization {
  from: Address;
  to: Address;
  value: bigint;
  nonce: Hex;
}

function authorizationOf(payload: PaymentPayload): Authorization | undefined {
  const auth = (payload.payload as { authorization?: Record<string, unknown> } | undefined)?.authorization;
  if (!auth) return undefined;
  const { from, to, value, nonce } = auth;
  if (typeof from !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(from)) return undefined;
  if (typeof to !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(to)) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  if (typeof nonce !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(nonce)) return undefined;
  return {
    from: getAddress(from),
    to: getAddress(to),
    value: BigInt(value),
    nonce: nonce.toLowerCase() as Hex,
  };
}

export interface CryptoDepositInput {
  body: CryptoDepositRequest;
  /** the `PAYMENT-SIGNATURE` (v2) and `X-PAYMENT` (v1) request headers */
  paymentSignature?: string;
  xPayment?: string;
  /** the public URL of the resource, for the requirements */
  resource: string;
}

export async function cryptoDeposit(
  commerce: Commerce,
  x402: X402,
  origin: RequestOrigin,
  input: CryptoDepositInput,
): Promise<X402Answer> {
  const organizationId = origin.caller.organizationId;
  if (!organizationId) throw unauthenticated('an agent credential is required to deposit');
  const checked = checkRequest(x402, input.body);
  const { amount } = checked;
  const { chain } = x402;
  const publisher = await findPublisher(commerce.dataSource.manager, checked.publisherId);
  if (!publisher) throw notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  const publisherId = publisher.id;

  const header = input.paymentSignature ?? input.xPayment;
  if (!header) {
    return paymentRequiredAnswer(
      chain,
      amount,
      input.resource,
      'PAYMENT-SIGNATURE or X-PAYMENT header is required',
    );
  }
  const refuse = (error: string) => paymentRequiredAnswer(chain, amount, input.resource, error);

  let payload: PaymentPayload;
  try {
    payload = decodePaymentSignatureHeader(header);
  } catch {
    return refuse('invalid_payment_header');
  }
  const version = input.paymentSignature !== undefined ? 2 : 1;
  if (payload.x402Version !== version) return refuse('invalid_x402_version');

  let requirements: PaymentRequirements;
  let network: string;
  if (version === 2) {
    requirements = requirementsV2(chain, amount);
    const accepted = payload.accepted;
    const matches =
      accepted !== undefined &&
      accepted.scheme === requirements.scheme &&
      accepted.network === requirements.network &&
      accepted.amount === requirements.amount &&
      isAddressEqual(accepted.asset as Address, requirements.asset as Address) &&
      isAddressEqual(accepted.payTo as Address, requirements.payTo as Address);
    if (!matches) return refuse('payment_requirements_mismatch');
    network = chain.network;
  } else {
    const v1 = requirementsV1(chain, amount, input.resource);
    const legacy = payload as unknown as { scheme?: string; network?: string };
    if (!v1 || legacy.scheme !== 'exact' || legacy.network !== v1.network)
      return refuse('payment_requirements_mismatch');
    requirements = v1 as unknown as PaymentRequirements;
    network = v1.network;
  }
  const authorization = authorizationOf(payload);
  if (!authorization) return refuse('invalid_exact_evm_payload');
  const key = `${chain.network}:${authorization.from.toLowerCase()}:${authorization.nonce}`;

  return commerce.dataSource.transaction(async (tx) => {
    // one settlement per authorization at a time, across requests and replicas
    await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 402))`, [key]);
    const used: unknown[] = await tx.query(`select 1 from x402_settlements where authorization_key = $1`, [
      key,
    ]);
    if (used.length > 0) return refuse(NONCE_ALREADY_USED);

    const settled = await settleOrRecover(x402, payload, requirements, authorization, amount);
    if (!settled.success) return refuse(settled.errorReason ?? 'settlement_failed');
    const txHash = settled.transaction.toLowerCase();
    const now = commerce.now();
    const { entryId, duplicate } = await postEntry(tx, {
      kind: 'deposit_x402',
      reference: txHash,
      organizationId,
      lines: [
        { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC', amount },
        { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -amount },
      ],
      metadata: {
        publisher_id: publisherId,
        payer: authorization.from,
        network,
        x402_version: String(version),
      },
      at: now,
    });
    // a transaction credited before under another authorization cannot happen (one transfer per
    // nonce); refuse rather than answer a deposit that moved nothing
    if (duplicate) return refuse(NONCE_ALREADY_USED);
    // what the organization still owes of a card deposit Stripe took back is paid first, as from a
    // Stripe deposit (reference the transaction: a retried settlement collects once)
    await collectShortfall(tx, {
      organizationId,
      credited: amount,
      reference: txHash,
      metadata: { tx_hash: txHash, network, payer: authorization.from },
      at: now,
    });
    await tx.query(
      `insert into x402_settlements (authorization_key, x402_version, network, payer, nonce, amount, organization_id, publisher_id, tx_hash, entry_id, settled_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        key,
        version,
        network,
        authorization.from.toLowerCase(),
        authorization.nonce,
        amount.toString(),
        organizationId,
        publisherId,
        txHash,
        entryId,
        now,
      ],
    );
    await commerce.store.append(
      `x402-deposit-${txHash}`,
      'x402_deposit',
      [
        {
          type: 'X402DepositSettled',
          data: {
            organizationId,
            publisherId,
            txHash,
            x402Version: version,
            network,
            payer: authorization.from,
            amountAtomic: amount.toString(),
            nonce: authorization.nonce,
            entryId,
            settledAt: now.toISOString(),
          },
        },
      ],
      { manager: tx, expectedVersion: 0, metadata: eventMetadataOf(origin, { organizationId }) },
    );
    // a broadcast the library remembered as pending is settled now
    await tx.query(`delete from x402_pending_settlements where lower(tx_hash) = $1`, [txHash]);
    const balance = await balances(tx, organizationId, 'USDC');
    const response: SettleResponse = { ...settled, transaction: txHash };
    return {
      status: 200 as const,
      headers: {
        [version === 2 ? 'PAYMENT-RESPONSE' : 'X-PAYMENT-RESPONSE']: encodePaymentResponseHeader(response),
      },
      body: {
        agent_wallet: agentWallet(organizationId),
        asset_symbol: 'USDC',
        balance_amount: formatAmount(balance.funded + balance.promotional, 'USDC'),
        deposited_amount: formatAmount(amount, 'USDC'),
        message: `Deposited ${formatAmount(amount, 'USDC')} USDC`,
        publisher_id: publisherId,
        tx_hash: txHash,
      },
    };
  });
}

/**
 * Verifies and settles through the facilitator; a settlement left pending (receipt timeout) is
 * retried once, which v2's PendingSettlementStore turns into a wait on the same transaction. When
 * the token already marks the authorization used, the transaction that used it is looked up (its
 * AuthorizationUsed log) and accepted if it moved exactly this payment to the treasury: a
 * settlement whose credit was lost with a crash is credited on the next try, never sent twice.
 */
async function settleOrRecover(
  x402: X402,
  payload: PaymentPayload,
  requirements: PaymentRequirements,
  authorization: Authorization,
  amount: bigint,
): Promise<SettleResponse> {
  const { chain, facilitator } = x402;
  const network = requirements.network;
  if (!isAddressEqual(authorization.to, chain.payTo) || authorization.value !== amount) {
    return { success: false, errorReason: 'payment_requirements_mismatch', transaction: '', network };
  }
  if (await nonceUsed(chain, authorization)) {
    const recovered = await transactionThatUsed(chain, authorization);
    return recovered
      ? { success: true, transaction: recovered, network, payer: authorization.from }
      : { success: false, errorReason: NONCE_ALREADY_USED, transaction: '', network };
  }
  const verified = await facilitator.verify(payload, requirements);
  if (!verified.isValid) {
    return {
      success: false,
      errorReason: verified.invalidReason ?? 'invalid_payment',
      transaction: '',
      network,
      payer: verified.payer,
    };
  }
  let settled = await facilitator.settle(payload, requirements);
  if (!settled.success && settled.errorReason === 'settlement_pending')
    settled = await facilitator.settle(payload, requirements);
  if (!settled.success && (await nonceUsed(chain, authorization))) {
    const recovered = await transactionThatUsed(chain, authorization);
    if (recovered) return { success: true, transaction: recovered, network, payer: authorization.from };
  }
  return settled;
}

function nonceUsed(chain: X402Chain, authorization: Authorization): Promise<boolean> {
  return chain.publicClient.readContract({
    address: chain.usdc.address,
    abi: tokenEvents,
    functionName: 'authorizationState',
    args: [authorization.from, authorization.nonce],
  });
}

/** How far back the AuthorizationUsed log is looked for (an authorization is valid minutes, not days). */
const RECOVERY_BLOCKS = 50_000n;

async function transactionThatUsed(chain: X402Chain, authorization: Authorization): Promise<Hex | undefined> {
  // not viem's cached block number: the transaction may be in the block just mined
  const latest = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
  const logs = await chain.publicClient.getLogs({
    address: chain.usdc.address,
    event: tokenEvents[0],
    args: { authorizer: authorization.from, nonce: authorization.nonce },
    fromBlock: latest > RECOVERY_BLOCKS ? latest - RECOVERY_BLOCKS : 0n,
    toBlock: 'latest',
  });
  const hash = logs[0]?.transactionHash;
  if (!hash) return undefined;
  const receipt = await chain.publicClient.getTransactionReceipt({ hash });
  if (receipt.status !== 'success') return undefined;
  const transfers = parseEventLogs({
    abi: tokenEvents,
    eventName: 'Transfer',
    logs: receipt.logs.filter((log) => isAddressEqual(log.address, chain.usdc.address)),
  });
  const paid = transfers.some(
    (log) =>
      isAddressEqual(log.args.from, authorization.from) &&
      isAddressEqual(log.args.to, chain.payTo) &&
      log.args.value === authorization.value,
  );
  return paid ? hash : undefined;
}
