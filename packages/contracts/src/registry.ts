import type { EventContract } from './define.js';
import { chargeEvents, publisherEvents } from './commerce/charges.js';
import { paymentMethodEvents } from './commerce/payment-methods.js';
import { organizationPlanEvents } from './commerce/plans.js';
import { stripeDepositEvents } from './commerce/stripe.js';
import { walletEvents } from './commerce/wallet.js';
import { x402DepositEvents } from './commerce/x402.js';
import { publisherCallEvents } from './commerce/usage.js';
import { lowBalanceEvents } from './commerce/low-balance.js';
import { agentTaskEvents } from './commerce/agent-tasks.js';
import { publisherCatalogEvents } from './commerce/publishers.js';
import { billingEvents } from './content/billing.js';
import { jobEvents } from './content/jobs.js';
import { linkEvents } from './content/links.js';
import { postEvents } from './content/posts.js';
import { projectEvents } from './content/projects.js';
import { sourceEvents } from './content/sources.js';
import { identityEvents } from './identity/events.js';
import { connectionEvents } from './identity/connections.js';
import { serebroEvents } from './serebro/events.js';
import { serebroRecordEvents } from './serebro/records.js';
import { serebroPaymentEvents } from './serebro/payments.js';
import { serebroWebhookEvents } from './serebro/webhooks.js';
import { serebroAutomationEvents } from './serebro/automation.js';
import { serebroDomainEvents } from './serebro/domains.js';

/** Every event type of the suite. The AsyncAPI document and the consumers' parsers are built from this list. */
export const allEvents: readonly EventContract[] = [
  ...identityEvents,
  ...serebroEvents,
  ...connectionEvents,
  ...serebroRecordEvents,
  ...serebroPaymentEvents,
  ...serebroWebhookEvents,
  ...serebroAutomationEvents,
  ...serebroDomainEvents,
  ...projectEvents,
  ...jobEvents,
  ...linkEvents,
  ...postEvents,
  ...sourceEvents,
  ...billingEvents,
  ...publisherEvents,
  ...publisherCatalogEvents,
  ...chargeEvents,
  ...stripeDepositEvents,
  ...paymentMethodEvents,
  ...organizationPlanEvents,
  ...walletEvents,
  ...x402DepositEvents,
  ...publisherCallEvents,
  ...lowBalanceEvents,
  ...agentTaskEvents,
];

const byType = new Map(allEvents.map((c) => [c.type, c]));

export function contractOf(type: string): EventContract | undefined {
  return byType.get(type);
}
