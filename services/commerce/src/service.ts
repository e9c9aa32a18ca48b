import { startDomainService, type DomainService } from '@seren/service-kit';

// The commerce service: SerenAI: publishers, proxy, wallet and ledger, charges, payouts, invoices, templates, federation, agent tasks, analytics.
export function startCommerceService(env?: Record<string, string | undefined>): Promise<DomainService> {
  return startDomainService({ name: 'commerce', defaultPort: 4104, env });
}
