import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// HighLevel's Contact (v2 `contact`, list and search entries), field for field for what Serebro
// holds: email lower case, phone E.164, tags lower case, customFields as [{id, value}], times ISO 8601
// in UTC. Unset fields are null (HighLevel leaves some out; a null reads the same to its clients).

export const ContactFields = graphql(`
  fragment ContactFields on Contact {
    id
    locationId
    firstName
    lastName
    name
    email
    phone
    companyName
    address1
    city
    state
    postalCode
    country
    website
    timezone
    dnd
    tags
    source
    customFields {
      id
      value
    }
    assignedTo
    dateOfBirth
    dateAdded
    dateUpdated
  }
`);

const text = z.string().nullable();
const customFieldValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).nullable();

export const contactSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  firstName: text,
  lastName: text,
  name: text.describe("HighLevel's contact name: as given, else first and last name"),
  email: text.describe('lower case'),
  phone: text.describe('E.164'),
  companyName: text,
  address1: text,
  city: text,
  state: text,
  postalCode: text,
  country: text.describe('ISO 3166 alpha-2'),
  website: text,
  timezone: text.describe('IANA time zone'),
  dnd: z.boolean().describe('do not disturb'),
  tags: z.array(z.string()).describe('lower case'),
  source: text,
  customFields: z.array(z.object({ id: z.string(), value: customFieldValue })),
  assignedTo: text,
  dateOfBirth: text.describe('YYYY-MM-DD'),
  dateAdded: z.string().describe('ISO 8601, UTC'),
  dateUpdated: z.string().describe('ISO 8601, UTC'),
});

export function contactToRest(ref: FragmentOf<typeof ContactFields>): z.input<typeof contactSchema> {
  const c = readFragment(ContactFields, ref);
  return {
    id: c.id,
    locationId: c.locationId,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    name: c.name ?? null,
    email: c.email ?? null,
    phone: c.phone ?? null,
    companyName: c.companyName ?? null,
    address1: c.address1 ?? null,
    city: c.city ?? null,
    state: c.state ?? null,
    postalCode: c.postalCode ?? null,
    country: c.country ?? null,
    website: c.website ?? null,
    timezone: c.timezone ?? null,
    dnd: c.dnd,
    tags: c.tags,
    source: c.source ?? null,
    customFields: c.customFields.map((f) => ({ id: f.id, value: customFieldValue.parse(f.value ?? null) })),
    assignedTo: c.assignedTo ?? null,
    dateOfBirth: c.dateOfBirth ?? null,
    dateAdded: c.dateAdded,
    dateUpdated: c.dateUpdated,
  };
}

export const CustomFieldFields = graphql(`
  fragment CustomFieldFields on CustomField {
    id
    locationId
    name
    fieldKey
    dataType
    placeholder
    options
    position
    dateAdded
  }
`);

// HighLevel's CustomField: `picklistOptions` holds the choices of option fields, `model` is `contact`.
export const customFieldSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  name: z.string(),
  fieldKey: z.string().describe('contact.<snake_case name>'),
  dataType: z
    .string()
    .describe(
      'TEXT, LARGE_TEXT, NUMERICAL, PHONE, MONETORY, CHECKBOX, SINGLE_OPTIONS, MULTIPLE_OPTIONS, DATE, EMAIL',
    ),
  placeholder: text,
  picklistOptions: z.array(z.string()),
  position: z.number().int(),
  model: z.literal('contact'),
  dateAdded: z.string(),
});

export function customFieldToRest(
  ref: FragmentOf<typeof CustomFieldFields>,
): z.input<typeof customFieldSchema> {
  const f = readFragment(CustomFieldFields, ref);
  return {
    id: f.id,
    locationId: f.locationId,
    name: f.name,
    fieldKey: f.fieldKey,
    dataType: f.dataType,
    placeholder: f.placeholder ?? null,
    picklistOptions: f.options,
    position: f.position,
    model: 'contact',
    dateAdded: f.dateAdded,
  };
}
