import { specOf } from '@seren/testing';
import type { CustomFieldDefinition } from '../custom-fields/values';
import type { ContactEvent } from './contact';
import { contactDecider } from './decide';

const given = specOf(contactDecider);
const now = '2026-12-01T10:00:00.000Z';
const later = '2026-12-01T11:00:00.000Z';
const definitions: CustomFieldDefinition[] = [
  { id: 'f-size', fieldKey: 'contact.size', name: 'Size', dataType: 'SINGLE_OPTIONS', options: ['S', 'M'] },
  { id: 'f-score', fieldKey: 'contact.score', name: 'Score', dataType: 'NUMERICAL', options: [] },
];
const create = (input: Record<string, unknown>) => ({
  type: 'CreateContact' as const,
  contactId: 'c1',
  locationId: 'loc1',
  input,
  definitions,
  now,
});
const created: ContactEvent = {
  type: 'ContactCreated',
  data: {
    contactId: 'c1',
    locationId: 'loc1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+14155550100',
    companyName: null,
    address1: null,
    city: null,
    state: null,
    postalCode: null,
    country: 'US',
    website: null,
    timezone: null,
    dnd: false,
    source: null,
    assignedTo: null,
    dateOfBirth: null,
    customFields: [{ id: 'f-size', value: 'S' }],
    tags: ['lead'],
    createdAt: now,
  },
};

describe('contacts', () => {
  it("creates a contact with HighLevel's normalisation: email lower case, phone E.164, tags lower case, name from first and last", () =>
    given([])
      .when(
        create({
          firstName: ' Ada ',
          lastName: 'Lovelace',
          email: ' ADA@Example.com',
          phone: '(415) 555-0100',
          country: 'us',
          tags: ['Lead', 'lead', ' '],
          customFields: [{ key: 'size', field_value: 'S' }],
        }),
      )
      .then([created]));

  it('needs an email or a phone, and lists every bad field at once', () => {
    given([])
      .when(create({ firstName: 'Ada' }))
      .thenThrows({
        code: 'VALIDATION_ERROR',
        details: { fields: [{ field: 'email', message: 'a contact needs an email or a phone' }] },
      });
    given([])
      .when(
        create({
          email: 'no',
          phone: '1',
          dateOfBirth: '2001-02-30',
          timezone: 'Nowhere/City',
          customFields: [{ id: 'f-score', value: 'ten' }],
        }),
      )
      .thenThrows({
        code: 'VALIDATION_ERROR',
        details: {
          fields: [
            { field: 'email', message: 'must be an email' },
            { field: 'phone', message: expect.stringContaining('phone number') },
            { field: 'timezone', message: expect.any(String) },
            { field: 'dateOfBirth', message: 'must be a date (YYYY-MM-DD)' },
            { field: 'customFields.0', message: 'must be a number' },
          ],
        },
      });
  });

  it('records only the fields that changed; the name follows first and last name', () =>
    given([created])
      .when({
        type: 'UpdateContact',
        input: { lastName: 'King', email: 'ADA@example.com', customFields: [{ id: 'f-score', value: '7' }] },
        definitions,
        now: later,
      })
      .then([
        {
          type: 'ContactUpdated',
          data: {
            contactId: 'c1',
            locationId: 'loc1',
            lastName: 'King',
            name: 'Ada King',
            customFields: [
              { id: 'f-size', value: 'S' },
              { id: 'f-score', value: 7 },
            ],
            updatedAt: later,
          },
        },
      ]));

  it('changes nothing when an update gives the same values', () =>
    given([created])
      .when({
        type: 'UpdateContact',
        input: { email: 'ada@example.com', tags: ['LEAD'] },
        definitions,
        now: later,
      })
      .thenNothing());

  it('refuses to clear both email and phone', () =>
    given([created])
      .when({ type: 'UpdateContact', input: { email: null, phone: null }, definitions, now: later })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  it('adds new tags only, and removes those it has', () => {
    given([created])
      .when({ type: 'AddContactTags', tags: ['Lead', 'VIP'], now: later })
      .then([
        {
          type: 'ContactTagAdded',
          data: {
            contactId: 'c1',
            locationId: 'loc1',
            added: ['vip'],
            tags: ['lead', 'vip'],
            updatedAt: later,
          },
        },
      ]);
    given([created])
      .when({ type: 'AddContactTags', tags: ['lead'], now: later })
      .thenNothing();
    given([created])
      .when({ type: 'RemoveContactTags', tags: ['lead', 'absent'], now: later })
      .then([
        {
          type: 'ContactTagRemoved',
          data: { contactId: 'c1', locationId: 'loc1', removed: ['lead'], tags: [], updatedAt: later },
        },
      ]);
  });

  it('deletes once; a deleted contact is not found', () => {
    const deleted: ContactEvent = {
      type: 'ContactDeleted',
      data: { contactId: 'c1', locationId: 'loc1', deletedAt: later },
    };
    given([created]).when({ type: 'DeleteContact', now: later }).then([deleted]);
    given([created, deleted]).when({ type: 'DeleteContact', now: later }).thenThrows({ code: 'NOT_FOUND' });
    given([created, deleted])
      .when({ type: 'UpdateContact', input: { firstName: 'X' }, definitions, now: later })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
