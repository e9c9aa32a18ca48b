import type { RequestOrigin } from '@seren/service-kit';
import { mask } from '@seren/service-kit/sealing';
import type { Crm } from '../application.js';
import { createCredential, openCredentialValues, rotateCredential } from '../credentials/service.js';
import type { ModeKeys, PaymentMode } from './connection.js';
import type { PaymentProvider } from './payment.js';

// Where a connection's provider keys live: the location's credential store (credentials/), one
// credential per connection and mode ("Stripe test keys (1a2b3c4d)"), sealed there under crm's
// keyring and shown masked in the location's credential list. Setting a mode's keys again rotates
// that credential (the previous version stays readable until the next rotation, as the store
// keeps it). These two functions are payments' only way in and out.

export type ProviderKeys = Record<string, string>;

const masksOf = (keys: ProviderKeys) =>
  Object.fromEntries(Object.entries(keys).map(([name, value]) => [name, mask(value)]));

/**
 * Stores a mode's keys (a new credential, or a rotation of the mode's current one) and answers how
 * events and reads name them. Runs in the store's own transaction, before the connection's event:
 * should that fail, the credential stays, unused, in the location's list.
 */
export async function storeProviderKeys(
  crm: Crm,
  request: RequestOrigin,
  connection: { id: string; provider: PaymentProvider },
  mode: PaymentMode,
  keys: ProviderKeys,
  current: ModeKeys | undefined,
): Promise<ModeKeys> {
  if (current) {
    await rotateCredential(crm, request, current.credentialId, { values: keys });
    return { credentialId: current.credentialId, masked: masksOf(keys) };
  }
  const label = connection.provider === 'stripe' ? 'Stripe' : 'Custom payment provider';
  const created = await createCredential(crm, request, {
    name: `${label} ${mode} keys (${connection.id.slice(0, 8)})`,
    kind: 'api_key',
    values: keys,
  });
  return { credentialId: created.id, masked: masksOf(keys) };
}

/** The clear keys: for calling the provider and checking its webhooks only. Never log, event or answer them. */
export function openProviderKeys(crm: Crm, locationId: string, credentialId: string): Promise<ProviderKeys> {
  return openCredentialValues(crm, locationId, credentialId);
}
