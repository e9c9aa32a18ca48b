import { BlockList, isIP } from 'node:net';
import { isPrivateAddress, unmapIpv4 } from './addresses.js';

/**
 * What may be reached although it is private: configured per deployment, empty by default. Tests
 * and local development allow their loopback servers; production allows nothing, or a named
 * internal host at most.
 */
export interface OutboundPolicy {
  /** every private address may be reached (`all`) */
  readonly allowAll: boolean;
  /** host names whose addresses may be private (`localhost`, `hooks.internal`) */
  readonly hosts: ReadonlySet<string>;
  /** addresses and networks that may be reached */
  readonly addresses: BlockList;
  /** the entries as configured, for messages and logs */
  readonly entries: readonly string[];
}

/** A policy from entries: `all`, IP addresses, CIDR networks (`127.0.0.0/8`, `::1/128`) or host names. */
export function outboundPolicy(entries: readonly string[] = []): OutboundPolicy {
  const addresses = new BlockList();
  const hosts = new Set<string>();
  let allowAll = false;
  const kept: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    kept.push(entry);
    if (entry === 'all') {
      allowAll = true;
      continue;
    }
    const slash = entry.indexOf('/');
    const network = slash === -1 ? entry : entry.slice(0, slash);
    const kind = isIP(network.replace(/^\[|\]$/g, ''));
    if (kind === 0) {
      if (slash !== -1) throw new Error(`OUTBOUND_ALLOW_PRIVATE: "${raw}" is not a network`);
      hosts.add(entry.replace(/\.$/, ''));
      continue;
    }
    const { address, family } = unmapIpv4(network);
    const prefix = slash === -1 ? (family === 'ipv4' ? 32 : 128) : Number(entry.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128))
      throw new Error(`OUTBOUND_ALLOW_PRIVATE: "${raw}" has a bad prefix length`);
    addresses.addSubnet(address, prefix, family);
  }
  return { allowAll, hosts, addresses, entries: kept };
}

/** `OUTBOUND_ALLOW_PRIVATE`, a comma-separated list of policy entries (see outboundPolicy). */
export function outboundPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): OutboundPolicy {
  return outboundPolicy((env.OUTBOUND_ALLOW_PRIVATE ?? '').split(','));
}

/** Whether a call to `host` may connect to `ip`: a public address always, a private one when the policy allows it. */
export function permits(policy: OutboundPolicy, ip: string, host?: string): boolean {
  if (!isPrivateAddress(ip)) return true;
  if (policy.allowAll) return true;
  if (host !== undefined && policy.hosts.has(host.toLowerCase().replace(/\.$/, ''))) return true;
  const { address, family } = unmapIpv4(ip);
  return policy.addresses.check(address, family);
}
