import { outboundPolicyFromEnv, type OutboundPolicy } from '@seren/outbound';
import { envSecret, loadConfig } from '@seren/service-kit';
import { keyring, type Keyring } from '@seren/service-kit/sealing';
import { z } from 'zod';

const crmConfig = z.object({
  /** the key-encryption key crm's secrets (webhook signing secrets, credentials, payment providers) are sealed under */
  CRM_KEK_ID: z.string().min(1).default('crm-dev-1'),
  CRM_KEK_SECRET: envSecret('crm-key-encryption-secret'),
  /** retired KEKs still able to open older secrets: `id:secret,id:secret` */
  CRM_PREVIOUS_KEKS: z.string().default(''),
});

/** crm-wide settings every feature shares: the keyring secrets are sealed with, the outbound guard's policy. */
export interface CrmSettings {
  keyring: Keyring;
  /** which private addresses webhook, custom-action and provider URLs may name (OUTBOUND_ALLOW_PRIVATE; none by default) */
  outbound: OutboundPolicy;
}

export function crmSettingsOf(env: Record<string, string | undefined>): CrmSettings {
  const config = loadConfig(crmConfig, env);
  return {
    keyring: keyring(config.CRM_KEK_ID, config.CRM_KEK_SECRET, config.CRM_PREVIOUS_KEKS),
    outbound: outboundPolicyFromEnv(env),
  };
}
