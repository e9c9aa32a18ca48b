import { CreateEchoes1795700000000 } from './1795700000000-create-echoes.js';
import { CreateContactsCustomFields1796100000000 } from './1796100000000-create-contacts-custom-fields.js';
import { CreatePipelinesOpportunities1796200000000 } from './1796200000000-create-pipelines-opportunities.js';
import { CreateCalendarsAppointments1796200100000 } from './1796200100000-create-calendars-appointments.js';
import { CreatePayments1797100000000 } from './1797100000000-create-payments.js';
import { CreateWebhooks1796900000000 } from './1796900000000-create-webhooks.js';
import { CreateBrandedDomains1797200000000 } from './1797200000000-create-branded-domains.js';
import { ContactsSearchSortIndexes1797200100000 } from './1797200100000-contacts-search-sort-indexes.js';
import { CreateCredentials1797000000000 } from './1797000000000-create-credentials.js';
import { CreateWorkflowsExecutions1797000100000 } from './1797000100000-create-workflows-executions.js';
import { WebhookDeliveriesPurgeIndex1797300500000 } from './1797300500000-webhook-deliveries-purge-index.js';
import { CreateAppWebhookReceivers1797600000000 } from './1797600000000-create-app-webhook-receivers.js';

export const crmMigrations = [
  CreateEchoes1795700000000,
  CreateContactsCustomFields1796100000000,
  CreatePipelinesOpportunities1796200000000,
  CreateCalendarsAppointments1796200100000,
  CreateWebhooks1796900000000,
  CreateCredentials1797000000000,
  CreateWorkflowsExecutions1797000100000,
  CreateBrandedDomains1797200000000,
  CreatePayments1797100000000,
  ContactsSearchSortIndexes1797200100000,
  WebhookDeliveriesPurgeIndex1797300500000,
  CreateAppWebhookReceivers1797600000000,
];
