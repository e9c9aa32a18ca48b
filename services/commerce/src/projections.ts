import { agentTasksProjection } from './agent-tasks/projection.js';
import { chargesProjection } from './charges/projection.js';
import { publisherCatalogProjection } from './publishers/projection.js';
import { paymentMethodsProjection } from './payment-methods/projection.js';
import { organizationPlansProjection } from './plans/projection.js';
import { stripeDepositsProjection } from './stripe/projection.js';
import { walletReferralsProjection } from './wallet/projection.js';

/** commerce's inline projections: the read tables its queries use, updated in each append's transaction. */
export const commerceProjections = [
  agentTasksProjection,
  publisherCatalogProjection,
  chargesProjection,
  stripeDepositsProjection,
  paymentMethodsProjection,
  organizationPlansProjection,
  walletReferralsProjection,
];
