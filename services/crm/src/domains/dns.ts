import { Resolver } from 'node:dns/promises';

/** How the crm reads TXT records: the port verification goes through (node:dns in production and tests). */
export interface TxtResolver {
  /** the TXT records of `name`, each as its character-strings; [] when the name or its TXT records do not exist */
  resolveTxt(name: string): Promise<string[][]>;
}

/** The resolver could not answer (timeout, server failure): neither a yes nor a no. */
export class DnsUnavailable extends Error {}

/** Answers that mean "there is no such record", as opposed to "could not find out". */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

/**
 * A node:dns Resolver asking `servers` (DNS_SERVERS, `ip` or `ip:port`, comma-separated; the
 * system's resolvers when empty), 2 s per try, 2 tries.
 */
export function dnsTxtResolver(servers: string[]): TxtResolver {
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);
  return {
    async resolveTxt(name) {
      try {
        return await resolver.resolveTxt(name);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (ABSENT.has(code)) return [];
        throw new DnsUnavailable(`DNS lookup of ${name} failed: ${code || String(error)}`);
      }
    },
  };
}

export const dnsServersOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
