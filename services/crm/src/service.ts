import { startDomainService, type DomainService } from '@seren/service-kit';

// The crm service: Serebro: contacts, opportunities, appointments, workflows, webhooks and payments.
export function startCrmService(env?: Record<string, string | undefined>): Promise<DomainService> {
  return startDomainService({ name: 'crm', defaultPort: 4102, env });
}
