import { appointmentsProjection } from './appointments/projection.js';
import { contactsProjection } from './contacts/projection.js';
import { customFieldsProjection } from './custom-fields/projection.js';
import { calendarsProjection } from './calendars/projection.js';
import { opportunitiesProjection } from './opportunities/projection.js';
import { pipelinesProjection } from './pipelines/projection.js';
import { webhooksProjection } from './webhooks/projection.js';
import { brandedDomainsProjection } from './domains/projection.js';
import { paymentConnectionsProjection, paymentsProjection } from './payments/projection.js';
import { credentialsProjection } from './credentials/projection.js';
import { executionsProjection, workflowsProjection } from './automation/projection.js';

/** crm's inline projections: the read tables its queries use, updated in each append's transaction. */
export const crmProjections = [
  contactsProjection,
  customFieldsProjection,
  pipelinesProjection,
  opportunitiesProjection,
  calendarsProjection,
  appointmentsProjection,
  webhooksProjection,
  credentialsProjection,
  workflowsProjection,
  executionsProjection,
  paymentConnectionsProjection,
  paymentsProjection,
  brandedDomainsProjection,
];
