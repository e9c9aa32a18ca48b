import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  customFieldValuesOf,
  type CustomFieldDefinition,
  type CustomFieldValueInput,
} from '../custom-fields/values.js';
import { invalidFields, type FieldProblem } from '../pagination.js';
import {
  evolveContact,
  initialContactState,
  type ContactEvent,
  type ContactFields,
  type ContactState,
} from './contact.js';
import { countryOf, dateOf, emailOf, fullNameOf, phoneOf, tagsOf, textOf, timezoneOf } from './fields.js';

/** A contact's fields as a request gives them (HighLevel's names); absent: unchanged, null: cleared. */
export interface ContactInput {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  website?: string | null;
  timezone?: string | null;
  dnd?: boolean | null;
  tags?: string[] | null;
  source?: string | null;
  assignedTo?: string | null;
  dateOfBirth?: string | null;
  customFields?: CustomFieldValueInput[] | null;
}

export type ContactCommand =
  | {
      type: 'CreateContact';
      contactId: string;
      locationId: string;
      input: ContactInput;
      /** the location's custom fields, to check the values against */
      definitions: readonly CustomFieldDefinition[];
      now: string;
    }
  | { type: 'UpdateContact'; input: ContactInput; definitions: readonly CustomFieldDefinition[]; now: string }
  | { type: 'AddContactTags'; tags: string[]; now: string }
  | { type: 'RemoveContactTags'; tags: string[]; now: string }
  | { type: 'DeleteContact'; now: string };

export type ContactReason = 'CONTACT_EXISTS' | 'DUPLICATE_CONTACT';
export const contactErrors = domainErrorsOf<ContactReason>();

const TEXT_FIELDS = [
  'firstName',
  'lastName',
  'companyName',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'source',
  'assignedTo',
] as const;

/** The input's fields checked and normalised; `current` is the contact being updated, if any. */
function fieldsOf(
  input: ContactInput,
  definitions: readonly CustomFieldDefinition[],
  current: ContactFields | undefined,
  problems: FieldProblem[],
): Partial<ContactFields> {
  const fields: Partial<ContactFields> = {};
  for (const key of TEXT_FIELDS) {
    const value = textOf(input[key], key, problems);
    if (value !== undefined) fields[key] = value;
  }
  const country = countryOf(input.country, 'country', problems);
  if (country !== undefined) fields.country = country;
  const email = emailOf(input.email, 'email', problems);
  if (email !== undefined) fields.email = email;
  const phone = phoneOf(input.phone, country ?? current?.country, 'phone', problems);
  if (phone !== undefined) fields.phone = phone;
  const timezone = timezoneOf(input.timezone, 'timezone', problems);
  if (timezone !== undefined) fields.timezone = timezone;
  const dateOfBirth = dateOf(input.dateOfBirth, 'dateOfBirth', problems);
  if (dateOfBirth !== undefined) fields.dateOfBirth = dateOfBirth;
  if (input.dnd !== undefined) fields.dnd = input.dnd ?? false;
  const tags = tagsOf(input.tags, 'tags', problems);
  if (tags !== undefined) fields.tags = tags;
  const customFields = customFieldValuesOf(input.customFields, definitions, problems, current?.customFields);
  if (customFields !== undefined) fields.customFields = customFields;
  // HighLevel's `name`: as given, else "first last" (kept in step when either changes)
  const name = textOf(input.name, 'name', problems);
  const firstName = fields.firstName !== undefined ? fields.firstName : (current?.firstName ?? null);
  const lastName = fields.lastName !== undefined ? fields.lastName : (current?.lastName ?? null);
  if (name) fields.name = name;
  else if (name === null || fields.firstName !== undefined || fields.lastName !== undefined || !current)
    fields.name = fullNameOf(firstName, lastName);
  return fields;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function decideContact(command: ContactCommand, state: ContactState): ContactEvent[] {
  switch (command.type) {
    case 'CreateContact': {
      if (state.status !== 'none')
        throw contactErrors.conflict('contact already exists', { reason: 'CONTACT_EXISTS' });
      const problems: FieldProblem[] = [];
      const fields = fieldsOf(command.input, command.definitions, undefined, problems);
      if (!fields.email && !fields.phone && !problems.some((p) => p.field === 'email' || p.field === 'phone'))
        problems.push({ field: 'email', message: 'a contact needs an email or a phone' });
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'ContactCreated',
          data: {
            contactId: command.contactId,
            locationId: command.locationId,
            firstName: fields.firstName ?? null,
            lastName: fields.lastName ?? null,
            name: fields.name ?? null,
            email: fields.email ?? null,
            phone: fields.phone ?? null,
            companyName: fields.companyName ?? null,
            address1: fields.address1 ?? null,
            city: fields.city ?? null,
            state: fields.state ?? null,
            postalCode: fields.postalCode ?? null,
            country: fields.country ?? null,
            website: fields.website ?? null,
            timezone: fields.timezone ?? null,
            dnd: fields.dnd ?? false,
            source: fields.source ?? null,
            assignedTo: fields.assignedTo ?? null,
            dateOfBirth: fields.dateOfBirth ?? null,
            customFields: fields.customFields ?? [],
            tags: fields.tags ?? [],
            createdAt: command.now,
          },
        },
      ];
    }
    case 'UpdateContact': {
      const contact = active(state);
      const problems: FieldProblem[] = [];
      const fields = fieldsOf(command.input, command.definitions, contact, problems);
      const email = fields.email !== undefined ? fields.email : contact.email;
      const phone = fields.phone !== undefined ? fields.phone : contact.phone;
      if (!email && !phone && !problems.some((p) => p.field === 'email' || p.field === 'phone'))
        problems.push({ field: 'email', message: 'a contact needs an email or a phone' });
      if (problems.length > 0) throw invalidFields(problems);
      const changed = Object.fromEntries(
        Object.entries(fields).filter(([key, value]) => !same(value, contact[key as keyof ContactFields])),
      ) as Partial<ContactFields>;
      if (Object.keys(changed).length === 0) return [];
      return [
        {
          type: 'ContactUpdated',
          data: {
            contactId: contact.contactId,
            locationId: contact.locationId,
            ...changed,
            updatedAt: command.now,
          },
        },
      ];
    }
    case 'AddContactTags': {
      const contact = active(state);
      const problems: FieldProblem[] = [];
      const tags = tagsOf(command.tags, 'tags', problems) ?? [];
      const added = tags.filter((tag) => !contact.tags.includes(tag));
      if (contact.tags.length + added.length > 100)
        problems.push({ field: 'tags', message: 'at most 100 tags' });
      if (problems.length > 0) throw invalidFields(problems);
      if (added.length === 0) return [];
      return [
        {
          type: 'ContactTagAdded',
          data: {
            contactId: contact.contactId,
            locationId: contact.locationId,
            added,
            tags: [...contact.tags, ...added],
            updatedAt: command.now,
          },
        },
      ];
    }
    case 'RemoveContactTags': {
      const contact = active(state);
      const problems: FieldProblem[] = [];
      const tags = tagsOf(command.tags, 'tags', problems) ?? [];
      if (problems.length > 0) throw invalidFields(problems);
      const removed = tags.filter((tag) => contact.tags.includes(tag));
      if (removed.length === 0) return [];
      return [
        {
          type: 'ContactTagRemoved',
          data: {
            contactId: contact.contactId,
            locationId: contact.locationId,
            removed,
            tags: contact.tags.filter((tag) => !removed.includes(tag)),
            updatedAt: command.now,
          },
        },
      ];
    }
    case 'DeleteContact': {
      const contact = active(state);
      return [
        {
          type: 'ContactDeleted',
          data: { contactId: contact.contactId, locationId: contact.locationId, deletedAt: command.now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

function active(state: ContactState) {
  if (state.status !== 'active') throw contactErrors.notFound('contact');
  return state;
}

export const contactDecider = {
  streamType: 'contact',
  initialState: initialContactState,
  evolve: evolveContact,
  decide: decideContact,
};
