// Paying one call with x402 (both versions): the 402 names the call's price; the payment is verified
// before the upstream runs, and settled on-chain only after the upstream answered 2xx, so a failed
// call is never paid (its authorization is simply not used, and the payer may use it again).
//
// While its call runs, an authorization is claimed (`proxy_x402_claims`, its (network, payer,
// nonce) the key): the same header twice at once pays one call, the other is refused
// (`invalid_exact_evm_nonce_already_used`). A claim whose process died is dropped by the sweep once
// expired; nothing was settled for it. Settled: the payment is one journal entry, kind `x402_call`,
// reference the transaction hash: `system:onchain_clearing` −x, the publisher's earnings +x.
import type { PaymentPayload, PaymentRequired, PaymentRequirements, SettleResponse } from '@x402/core/types';
import {
  decodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
} from '@x402/core/http';
import { getAddress, isAddressEqual, type Address, type Hex } from 'viem';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import { accounts, postEntry } from '../ledger/index.js';
import type { X402Chain } from '../x402/chain.js';
import { NONCE_ALREADY_USED, requirementsV1, requirementsV2, type X402Answer } from '../x402/deposit.js';

export interface PaymentHeaders {
  /** `PAYMENT-SIGNATURE` (v2) */
  paymentSignature?: string;
  /** `X-PAYMENT` (v1) */
  xPayment?: string;
}

export interface CallPaymentRequest {
  amount: bigint;
  /** the public URL of the call */
  resource: string;
  description: string;
}

/** A 402 for one call: v2 requirements in `PAYMENT-REQUIRED`, v1 in the body, and why if a payment was refused. */
export function callPaymentRequired(
  chain: X402Chain,
  request: CallPaymentRequest,
  error: string,
): X402Answer {
  const required: PaymentRequired = {
    x402Version: 2,
    error,
    resource: { url: request.resource, description: request.description, mimeType: 'application/json' },
    accepts: [requirementsV2(chain, request.amount)],
  };
  const v1 = requirementsV1(chain, request.amount, request.resource);
  return {
    status: 402,
    headers: { 'PAYMENT-REQUIRED': encodePaymentRequiredHeader(required) },
    body: { x402Version: 1, error, accepts: v1 ? [{ ...v1, description: request.description }] : [] },
  };
}

/** A payment verified and claimed for one call, to settle when it succeeded or give up when it failed. */
export interface ClaimedPayment {
  version: 1 | 2;
  payload: PaymentPayload;
  requirements: PaymentRequirements;
  network: string;
  payer: Address;
  nonce: Hex;
  authorizationKey: string;
  amount: bigint;
}

function authorizationOf(payload: PaymentPayload) {
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

/**
 * Checks the payment is for exactly this call (scheme, network, amount, asset, treasury), claims its
 * authorization for the call, and has the facilitator verify it (signature, balance, validity, the
 * token's nonce). Answers the claimed payment, or why it was refused (the 402's `error`).
 */
export async function claimCallPayment(
  commerce: Commerce,
  headers: PaymentHeaders,
  request: CallPaymentRequest,
  call: { callId: string; publisherId: string; expiresAt: Date },
): Promise<{ ok: true; payment: ClaimedPayment } | { ok: false; error: string }> {
  const { chain, facilitator } = commerce.x402;
  const header = headers.paymentSignature ?? headers.xPayment;
  if (!header) return { ok: false, error: 'PAYMENT-SIGNATURE or X-PAYMENT header is required' };
  let payload: PaymentPayload;
  try {
    payload = decodePaymentSignatureHeader(header);
  } catch {
    return { ok: false, error: 'invalid_payment_header' };
  }
  const version = headers.paymentSignature !== undefined ? 2 : 1;
  if (payload.x402Version !== version) return { ok: false, error: 'invalid_x402_version' };
  let requirements: PaymentRequirements;
  let network: string;
  if (version === 2) {
    requirements = requirementsV2(chain, request.amount);
    const accepted = payload.accepted;
    const matches =
      accepted !== undefined &&
      accepted.scheme === requirements.scheme &&
      accepted.network === requirements.network &&
      accepted.amount === requirements.amount &&
      isAddressEqual(accepted.asset as Address, requirements.asset as Address) &&
      isAddressEqual(accepted.payTo as Address, requirements.payTo as Address);
    if (!matches) return { ok: false, error: 'payment_requirements_mismatch' };
    network = chain.network;
  } else {
    const v1 = requirementsV1(chain, request.amount, request.resource);
    const legacy = payload as unknown as { scheme?: string; network?: string };
    if (!v1 || legacy.scheme !== 'exact' || legacy.network !== v1.network)
      return { ok: false, error: 'payment_requirements_mismatch' };
    requirements = { ...v1, description: request.description } as unknown as PaymentRequirements;
    network = v1.network;
  }
  const authorization = authorizationOf(payload);
  if (!authorization) return { ok: false, error: 'invalid_exact_evm_payload' };
  if (!isAddressEqual(authorization.to, chain.payTo) || authorization.value !== request.amount)
    return { ok: false, error: 'payment_requirements_mismatch' };
  const authorizationKey = `${chain.network}:${authorization.from.toLowerCase()}:${authorization.nonce}`;

  // a deposit credited with this authorization, or a call that settled it: used
  const claimed: unknown[] = await commerce.dataSource.query(
    `with used as (select 1 from x402_settlements where authorization_key = $1)
     insert into proxy_x402_claims (authorization_key, call_id, publisher_id, amount, status, expires_at)
     select $1, $2, $3, $4, 'verified', $5 where not exists (select 1 from used)
     on conflict (authorization_key) do update set call_id = excluded.call_id, expires_at = excluded.expires_at
       where proxy_x402_claims.status = 'verified' and proxy_x402_claims.expires_at < now()
     returning 1`,
    [authorizationKey, call.callId, call.publisherId, request.amount.toString(), call.expiresAt],
  );
  if (claimed.length === 0) return { ok: false, error: NONCE_ALREADY_USED };
  const payment: ClaimedPayment = {
    version,
    payload,
    requirements,
    network,
    payer: authorization.from,
    nonce: authorization.nonce,
    authorizationKey,
    amount: request.amount,
  };
  const verified = await facilitator.verify(payload, requirements).catch((error: unknown) => {
    commerce.logger.warn({ err: error }, 'x402 verify failed');
    return { isValid: false, invalidReason: 'verification_failed' } as const;
  });
  if (!verified.isValid) {
    await abandonCallPayment(commerce, payment, call.callId);
    return { ok: false, error: verified.invalidReason ?? 'invalid_payment' };
  }
  return { ok: true, payment };
}

/** The call failed: its claim is dropped and the authorization stays unused (the payer keeps the money). */
export async function abandonCallPayment(commerce: Commerce, payment: ClaimedPayment, callId: string) {
  await commerce.dataSource.query(
    `delete from proxy_x402_claims where authorization_key = $1 and call_id = $2 and status = 'verified'`,
    [payment.authorizationKey, callId],
  );
}

/** Settles the claimed payment on-chain (a receipt timeout retried once, on the same transaction). */
export async function settleCallPayment(
  commerce: Commerce,
  payment: ClaimedPayment,
): Promise<SettleResponse> {
  const { facilitator } = commerce.x402;
  try {
    let settled = await facilitator.settle(payment.payload, payment.requirements);
    if (!settled.success && settled.errorReason === 'settlement_pending')
      settled = await facilitator.settle(payment.payload, payment.requirements);
    return settled.success ? { ...settled, transaction: settled.transaction.toLowerCase() } : settled;
  } catch (error) {
    commerce.logger.warn({ err: error }, 'x402 settlement failed');
    return {
      success: false,
      errorReason: 'settlement_failed',
      transaction: '',
      network: payment.requirements.network,
    };
  }
}

/**
 * Books a settled call payment in the call's transaction: the publisher's earnings credited, the
 * claim marked settled. Answers the journal entry's id.
 */
export async function bookCallPayment(
  tx: EntityManager,
  payment: ClaimedPayment,
  settled: SettleResponse,
  call: { callId: string; publisherId: string; publisherSlug: string; at: Date },
): Promise<string> {
  const txHash = settled.transaction.toLowerCase();
  const { entryId } = await postEntry(tx, {
    kind: 'x402_call',
    reference: txHash,
    lines: [
      {
        account: accounts.publisherEarnings(call.publisherId, 'USDC'),
        asset: 'USDC',
        amount: payment.amount,
      },
      { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -payment.amount },
    ],
    metadata: {
      publisher_id: call.publisherId,
      publisher_slug: call.publisherSlug,
      call_id: call.callId,
      payer: payment.payer,
      network: payment.network,
      x402_version: String(payment.version),
    },
    at: call.at,
  });
  await tx.query(
    `update proxy_x402_claims set status = 'settled', tx_hash = $2 where authorization_key = $1`,
    [payment.authorizationKey, txHash],
  );
  return entryId;
}

/** The `PAYMENT-RESPONSE` (v2) or `X-PAYMENT-RESPONSE` (v1) header of a paid answer. */
export function paymentResponseHeader(
  payment: ClaimedPayment,
  settled: SettleResponse,
): Record<string, string> {
  return {
    [payment.version === 2 ? 'PAYMENT-RESPONSE' : 'X-PAYMENT-RESPONSE']: encodePaymentResponseHeader(settled),
  };
}
