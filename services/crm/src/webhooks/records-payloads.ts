import type { ConsumedEvent } from '@seren/event-store';
import { findContact } from '../contacts/queries.js';
import { installFields } from './app-receivers.js';
import type { WebhookBody, WebhookPayloadContext, WebhookPayloads, WebhookTypes } from './payloads.js';

// HighLevel's webhook bodies for crm's records and identity's app installs. Field names and shapes
// are HighLevel's (ContactCreate carries the contact's fields at the top level, AppointmentCreate an
// `appointment` object, ...). `timestamp` is when the event happened; `webhookId` is added per delivery.

type Data = Record<string, unknown>;
const dataOf = (event: ConsumedEvent) => event.data as Data;
const at = (event: ConsumedEvent) => event.time.toISOString();

/** Drops what is ours, not HighLevel's (`contactId` becomes `id`, the event's own time fields go). */
function contactBody(type: string, event: ConsumedEvent, timeField: string): WebhookBody {
  const { contactId, locationId, [timeField]: _time, ...fields } = dataOf(event);
  return {
    type,
    locationId: locationId as string,
    id: contactId,
    ...fields,
    ...(type === 'ContactCreate' ? { dateAdded: dataOf(event).createdAt } : {}),
    timestamp: at(event),
  };
}

/**
 * HighLevel's ContactUpdate carries the whole contact, with the fields of ContactCreate (and
 * `dateUpdated`): read from the contacts read model in the consumer's transaction, so it is the
 * contact as it is when the consumer builds the body (right after the change, unless later changes
 * were committed before the consumer reached this event). A contact deleted meanwhile has no row:
 * the body then carries the fields this event changed, as before.
 */
async function contactUpdateBody(
  event: ConsumedEvent,
  { crm, manager }: WebhookPayloadContext,
): Promise<WebhookBody> {
  const { contactId, locationId } = dataOf(event) as { contactId: string; locationId: string };
  const contact = await findContact(crm, locationId, contactId, manager);
  if (!contact) return contactBody('ContactUpdate', event, 'updatedAt');
  const { id, locationId: _location, dateAdded, dateUpdated, ...fields } = contact;
  return { type: 'ContactUpdate', locationId, id, ...fields, dateAdded, dateUpdated, timestamp: at(event) };
}

function opportunityBody(type: string, event: ConsumedEvent): WebhookBody {
  const {
    opportunityId,
    locationId,
    createdAt,
    updatedAt: _u,
    changedAt: _c,
    deletedAt: _d,
    ...fields
  } = dataOf(event);
  return {
    type,
    locationId: locationId as string,
    id: opportunityId,
    ...fields,
    ...(createdAt ? { dateAdded: createdAt } : {}),
    timestamp: at(event),
  };
}

function appointmentBody(type: string, event: ConsumedEvent, extra: Data = {}): WebhookBody {
  const {
    appointmentId,
    locationId,
    bookedAt,
    updatedAt,
    cancelledAt,
    deletedAt: _d,
    ...fields
  } = dataOf(event);
  return {
    type,
    locationId: locationId as string,
    appointment: {
      id: appointmentId,
      ...fields,
      ...extra,
      ...(bookedAt ? { dateAdded: bookedAt } : {}),
      ...(updatedAt || cancelledAt ? { dateUpdated: updatedAt ?? cancelledAt } : {}),
    },
    timestamp: at(event),
  };
}

/** INSTALL / UNINSTALL of an app on a location, for the location's subscriptions (agency installs go to the app only). */
function installBody(event: ConsumedEvent): WebhookBody | undefined {
  const fields = installFields(event);
  if (!fields.locationId) return undefined;
  return fields as WebhookBody;
}

export const recordWebhookPayloads: WebhookPayloads = {
  ContactCreated: (e) => contactBody('ContactCreate', e, 'createdAt'),
  ContactUpdated: contactUpdateBody,
  ContactDeleted: (e) => contactBody('ContactDelete', e, 'deletedAt'),
  ContactTagAdded: (e) => {
    const { contactId, locationId, tags, added } = dataOf(e);
    return {
      type: 'ContactTagUpdate',
      locationId: locationId as string,
      id: contactId,
      tags,
      added,
      timestamp: at(e),
    };
  },
  ContactTagRemoved: (e) => {
    const { contactId, locationId, tags, removed } = dataOf(e);
    return {
      type: 'ContactTagUpdate',
      locationId: locationId as string,
      id: contactId,
      tags,
      removed,
      timestamp: at(e),
    };
  },
  OpportunityCreated: (e) => opportunityBody('OpportunityCreate', e),
  OpportunityUpdated: (e) => opportunityBody('OpportunityUpdate', e),
  OpportunityStageChanged: (e) => opportunityBody('OpportunityStageUpdate', e),
  OpportunityStatusChanged: (e) => opportunityBody('OpportunityStatusUpdate', e),
  OpportunityDeleted: (e) => opportunityBody('OpportunityDelete', e),
  AppointmentBooked: (e) => appointmentBody('AppointmentCreate', e),
  AppointmentUpdated: (e) => appointmentBody('AppointmentUpdate', e),
  AppointmentCancelled: (e) => appointmentBody('AppointmentUpdate', e, { appointmentStatus: 'cancelled' }),
  AppointmentDeleted: (e) => appointmentBody('AppointmentDelete', e),
  MarketplaceAppInstalled: installBody,
  MarketplaceAppUninstalled: installBody,
};

export const recordWebhookTypes: WebhookTypes = [
  'ContactCreate',
  'ContactUpdate',
  'ContactDelete',
  'ContactTagUpdate',
  'OpportunityCreate',
  'OpportunityUpdate',
  'OpportunityStageUpdate',
  'OpportunityStatusUpdate',
  'OpportunityDelete',
  'AppointmentCreate',
  'AppointmentUpdate',
  'AppointmentDelete',
  'INSTALL',
  'UNINSTALL',
];
