import { outboundPolicyFromEnv, type OutboundPolicy } from '@seren/outbound';
import { envSecret, loadConfig } from '@seren/service-kit';
import { keyring, type Keyring } from '@seren/service-kit/sealing';
import { z } from 'zod';

const publisherConfig = z.object({
  /** the key-encryption key publisher secrets are sealed under: its id and secret (rotate: new id) */
  COMMERCE_KEK_ID: z.string().min(1).default('commerce-dev-1'),
  COMMERCE_KEK_SECRET: envSecret('commerce-kek-secret'),
  /** retired KEKs still able to open older secrets: `id:secret,id:secret` */
  COMMERCE_PREVIOUS_KEKS: z.string().default(''),
});

/** The publishers' settings: the keyring their upstream secrets are sealed with, the outbound guard's policy. */
export interface PublisherSettings {
  keyring: Keyring;
  /** which private addresses upstream URLs may name (OUTBOUND_ALLOW_PRIVATE; none by default) */
  outbound: OutboundPolicy;
}

export function publisherSettingsOf(env: Record<string, string | undefined>): PublisherSettings {
  const config = loadConfig(publisherConfig, env);
  return {
    keyring: keyring(config.COMMERCE_KEK_ID, config.COMMERCE_KEK_SECRET, config.COMMERCE_PREVIOUS_KEKS),
    outbound: outboundPolicyFromEnv(env),
  };
}
