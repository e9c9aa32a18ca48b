import { outboundPolicyFromEnv, type OutboundPolicy } from '@seren/outbound';
import { envSecret, loadConfig } from '@seren/service-kit';
import { keyring, type Keyring } from '@seren/service-kit/sealing';
import { z } from 'zod';
import { dnsServersOf, dnsTxtResolver, type TxtResolver } from './domains/dns.js';

const crmConfig = z.object({
  /** the key-encryption key crm's secrets (webhook signing secrets, credentials, payment providers) are sealed under */
  CRM_KEK_ID: z.string().min(1).default('crm-dev-1'),
  CRM_KEK_SECRET: envSecret('crm-key-encryption-secret'),
  /** retired KEKs still able to open older secrets: `id:secret,id:secret` */
  CRM_PREVIOUS_KEKS: z.string().default(''),
  /** Serebro's default public base URL (identity's issuer too): generated links without a branded domain */
  SEREBRO_PUBLIC_URL: z.url().default('http://localhost:4002'),
  /** the DNS servers branded-domain TXT records are read from (`ip` or `ip:port`, comma-separated); empty: the system's */
  DNS_SERVERS: z.string().default(''),
});

/** crm-wide settings every feature shares: the keyring secrets are sealed with, the outbound guard's policy. */
export interface CrmSettings {
  keyring: Keyring;
  /** which private addresses webhook, custom-action and provider URLs may name (OUTBOUND_ALLOW_PRIVATE; none by default) */
  outbound: OutboundPolicy;
  /** branded domains: where TXT verification records are read (DNS_SERVERS), and the default base URL (SEREBRO_PUBLIC_URL) */
  domains: { resolver: TxtResolver; publicUrl: string };
}

export function crmSettingsOf(env: Record<string, string | undefined>): CrmSettings {
  const config = loadConfig(crmConfig, env);
  return {
    keyring: keyring(config.CRM_KEK_ID, config.CRM_KEK_SECRET, config.CRM_PREVIOUS_KEKS),
    outbound: outboundPolicyFromEnv(env),
    domains: {
      resolver: dnsTxtResolver(dnsServersOf(config.DNS_SERVERS)),
      publicUrl: config.SEREBRO_PUBLIC_URL.replace(/\/+$/, ''),
    },
  };
}
