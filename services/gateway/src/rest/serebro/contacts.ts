import { z } from 'zod';
import { graphql, readFragment } from '../graphql.js';
import { route, succeded } from './route.js';
import {
  ContactFields,
  contactSchema,
  contactToRest,
  CustomFieldFields,
  customFieldSchema,
  customFieldToRest,
} from './shapes/contact.js';
import { metaSchema, metaToRest } from './shapes/meta.js';

// Serebro §3.1 Contacts, on v1 and v2 at the spec's paths, and HighLevel's v2 paths for the same
// operations (a HighLevel client changes only its base URL): `POST /contacts/`, `GET /contacts/`,
// `POST /contacts/search`, the tag rows, and the location's custom fields. Bodies are HighLevel's
// (`{contact}`, `{contacts, meta}`, `{contacts, total}` for search, `{succeded: true}` — its
// spelling, kept for its clients). The location is the credential's, or the `locationId` an agency
// credential names. Rules (email or phone, E.164, the duplicate rule, custom field types) are the
// crm service's: every bad field is listed in one 400; a duplicate is 400 with HighLevel's `meta`.

const id = z.string().min(1);
const text = z.string().nullable().optional();
const ms = z.coerce.number().describe('epoch milliseconds');
const count = z.coerce.number().int();

const customFieldValueInput = z.object({
  id: z.string().optional().describe("the custom field's id"),
  key: z.string().optional().describe('or its key (contact.<key> or <key>)'),
  field_value: z.unknown().optional().describe("the value (HighLevel v2's name)"),
  value: z.unknown().optional().describe('the value (either name)'),
});

const contactFields = {
  firstName: text,
  lastName: text,
  name: text,
  email: text,
  phone: text.describe('any format; stored E.164 (read in `country`, else US)'),
  companyName: text,
  address1: text,
  city: text,
  state: text,
  postalCode: text,
  country: text.describe('ISO 3166 alpha-2'),
  website: text,
  timezone: text,
  dnd: z.boolean().nullable().optional(),
  tags: z.array(z.string()).nullable().optional().describe('replaces the tags'),
  source: text,
  assignedTo: text,
  dateOfBirth: text.describe('YYYY-MM-DD'),
  customFields: z.array(customFieldValueInput).nullable().optional(),
};

const createBody = z.object({
  locationId: id.optional().describe('required with an agency credential'),
  ...contactFields,
});
const updateBody = z.object({ locationId: id.optional(), ...contactFields });
type Body = z.output<typeof updateBody>;

/** The body's fields as the contact input (locationId is the edge's; absent stays absent, null clears). */
function inputOf({ locationId: _locationId, customFields, ...fields }: Body) {
  return {
    ...fields,
    ...(customFields === undefined
      ? {}
      : {
          customFields:
            customFields?.map((f) => ({
              id: f.id,
              key: f.key,
              value: f.value,
              field_value: f.field_value,
            })) ?? null,
        }),
  };
}

const ContactPage = graphql(
  `
    fragment ContactPageFields on ContactPage {
      contacts {
        ...ContactFields
      }
      meta {
        total
        startAfterId
        startAfter
        currentPage
        nextPage
        prevPage
      }
    }
  `,
  [ContactFields],
);

const ListContacts = graphql(
  `
    query SerebroListContacts(
      $filter: ContactFilter
      $limit: Int
      $startAfter: Float
      $startAfterId: ID
      $page: Int
    ) {
      contacts(
        filter: $filter
        limit: $limit
        startAfter: $startAfter
        startAfterId: $startAfterId
        page: $page
      ) {
        ...ContactPageFields
      }
    }
  `,
  [ContactPage],
);

const CreateContact = graphql(
  `
    mutation SerebroCreateContact($input: ContactInput!) {
      createContact(input: $input) {
        ...ContactFields
      }
    }
  `,
  [ContactFields],
);

const GetContact = graphql(
  `
    query SerebroGetContact($id: ID!) {
      contact(id: $id) {
        ...ContactFields
      }
    }
  `,
  [ContactFields],
);

const UpdateContact = graphql(
  `
    mutation SerebroUpdateContact($id: ID!, $input: ContactInput!) {
      updateContact(id: $id, input: $input) {
        ...ContactFields
      }
    }
  `,
  [ContactFields],
);

const contactResponse = z.object({ contact: contactSchema });
const listResponse = z.object({ contacts: z.array(contactSchema), meta: metaSchema });

const shared = { auth: 'required', rateLimit: 'api' } as const;
const read = { ...shared, scope: 'contacts:read' } as const;
const write = { ...shared, scope: 'contacts:write' } as const;

const listQuery = z.object({
  locationId: id.optional().describe('required with an agency credential'),
  query: z.string().optional().describe('a part of the name, email, company or phone (any format)'),
  name: z.string().optional().describe('a part of the contact name'),
  tags: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('contacts with every one of these tags (comma-separated or repeated)'),
  dateAddedFrom: z.string().optional().describe('added at or after (ISO 8601)'),
  dateAddedTo: z.string().optional().describe('added before (ISO 8601)'),
  limit: count.optional().describe('1-100, default 20'),
  startAfter: ms.optional().describe("the next page's cursor (meta.startAfter)"),
  startAfterId: id.optional().describe("the next page's cursor (meta.startAfterId)"),
  page: count.optional().describe('the page number shown in meta (the cursor decides the records)'),
});

const tagsOf = (tags: string | string[] | undefined) =>
  tags === undefined
    ? undefined
    : [tags]
        .flat()
        .flatMap((t) => t.split(','))
        .map((t) => t.trim())
        .filter(Boolean);

function listRow(path: '/contacts' | '/contacts/', highLevel: boolean) {
  return route.operation({
    method: 'GET',
    path,
    section: 'contacts',
    summary: 'List contacts',
    description:
      "The location's contacts, newest first, filtered by name, tags and creation date, or searched (`query`) over name, email, company and phone; HighLevel's cursor pagination (`limit` ≤ 100, `startAfterId` + `startAfter` from `meta`, or follow `meta.nextPageUrl`).",
    ...(highLevel
      ? {
          versions: ['v2'],
          highLevel,
          beyondSpec: "HighLevel's Get Contacts (`GET /contacts/`), the v2 path of GET /contacts",
        }
      : {}),
    ...read,
    request: { query: listQuery },
    operation: ListContacts,
    variables: ({ query }) => ({
      filter: {
        query: query.query,
        name: query.name,
        tags: tagsOf(query.tags),
        dateAddedFrom: query.dateAddedFrom,
        dateAddedTo: query.dateAddedTo,
      },
      limit: query.limit,
      startAfter: query.startAfter,
      startAfterId: query.startAfterId,
      page: query.page,
    }),
    response: {
      status: 200,
      description: 'A page of contacts',
      schema: listResponse,
      body: (data, request) => {
        const page = readFragment(ContactPage, data.contacts);
        return { contacts: page.contacts.map(contactToRest), meta: metaToRest(page.meta, request) };
      },
    },
    errors: [400, 403],
  });
}

function createRow(path: '/contacts' | '/contacts/', highLevel: boolean) {
  return route.operation({
    method: 'POST',
    path,
    section: 'contacts',
    summary: 'Create a contact',
    description:
      "A contact in the location: an email or a phone is required, and neither may be another contact's of the location (400 with `meta.contactId` of the existing one, as HighLevel). Emails are stored lower case, phones E.164.",
    ...(highLevel
      ? { versions: ['v2'], highLevel, beyondSpec: "HighLevel's Create Contact (`POST /contacts/`)" }
      : {}),
    ...write,
    request: { body: createBody },
    operation: CreateContact,
    variables: ({ body }) => ({ input: inputOf(body) }),
    response: {
      status: 201,
      description: 'The contact',
      schema: contactResponse,
      body: (data) => ({ contact: contactToRest(data.createContact) }),
    },
    errors: [400, 403],
  });
}

function updateRow(method: 'PUT' | 'PATCH') {
  return route.operation({
    method,
    path: '/contacts/{id}',
    section: 'contacts',
    summary: 'Update a contact',
    description:
      "Changes the fields given (PUT and PATCH alike, as HighLevel's PUT); null clears a field; `tags` replaces the tags; `customFields` sets the fields named and keeps the others. HighLevel's body: `{succeded: true, contact}`.",
    ...write,
    request: { params: z.object({ id }), body: updateBody },
    operation: UpdateContact,
    variables: ({ params, body }) => ({ id: params.id, input: inputOf(body) }),
    response: {
      status: 200,
      description: 'The contact as it is now',
      schema: succeded.extend({ contact: contactSchema }),
      body: (data) => ({ succeded: true as const, contact: contactToRest(data.updateContact) }),
    },
    errors: [400, 403, 404],
  });
}

function tagsRow(method: 'POST' | 'DELETE') {
  const add = method === 'POST';
  return route.operation({
    method,
    path: '/contacts/{id}/tags',
    section: 'contacts',
    summary: add ? 'Add tags to a contact' : 'Remove tags from a contact',
    description: add
      ? 'Adds the tags (lower-cased), keeping the others; answers the whole list.'
      : 'Removes the tags named; answers the tags left.',
    versions: ['v2'],
    highLevel: true,
    beyondSpec: add
      ? "HighLevel's Add Tags (`POST /contacts/{contactId}/tags`)"
      : "HighLevel's Remove Tags (`DELETE /contacts/{contactId}/tags`)",
    ...write,
    request: { params: z.object({ id }), body: z.object({ tags: z.array(z.string()) }) },
    operation: add
      ? graphql(`
          mutation SerebroAddContactTags($id: ID!, $tags: [String!]!) {
            addContactTags(id: $id, tags: $tags) {
              tags
            }
          }
        `)
      : graphql(`
          mutation SerebroRemoveContactTags($id: ID!, $tags: [String!]!) {
            removeContactTags(id: $id, tags: $tags) {
              tags
            }
          }
        `),
    variables: ({ params, body }) => ({ id: params.id, tags: body.tags }),
    response: {
      status: add ? 201 : 200,
      description: "The contact's tags",
      schema: z.object({ tags: z.array(z.string()) }),
      body: (data) => ({
        tags:
          'addContactTags' in data
            ? data.addContactTags.tags
            : (data as { removeContactTags: { tags: string[] } }).removeContactTags.tags,
      }),
    },
    errors: [400, 403, 404],
  });
}

/** One value of a search cursor: a sort value (epoch ms, text, boolean, or null for none) or the id. */
const searchAfterValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** HighLevel's search filter: `{field, operator, value}` or a group `{group: 'AND', filters}`. */
type SearchFilter = {
  field?: string;
  operator?: string;
  value?: unknown;
  group?: string;
  filters?: SearchFilter[];
};
const searchFilter: z.ZodType<SearchFilter> = z.lazy(() =>
  z.object({
    field: z.string().optional(),
    operator: z.string().optional().describe('eq, not_eq, contains, not_contains, exists, not_exists, range'),
    value: z.unknown().optional().describe('range: {gte, lte} on dateAdded or dateUpdated'),
    group: z.string().optional().describe('AND'),
    filters: z.array(searchFilter).optional(),
  }),
);

const customFieldBody = z.object({
  name: z.string().optional().describe('1-100 characters; gives the key'),
  dataType: z.string().optional().describe('create only'),
  placeholder: z.string().nullable().optional(),
  options: z.array(z.string()).optional().describe('the choices of option fields'),
  picklistOptions: z.array(z.string()).optional().describe("HighLevel's name for options"),
  position: z.number().int().optional(),
});
const customFieldInputOf = ({ picklistOptions, options, ...rest }: z.output<typeof customFieldBody>) => ({
  ...rest,
  ...((options ?? picklistOptions) ? { options: options ?? picklistOptions } : {}),
});
const customFieldParams = z.object({ locationId: id, id });
const customFieldResponse = z.object({ customField: customFieldSchema });
const locationsRead = { ...shared, scope: 'locations:read' } as const;
const locationsWrite = { ...shared, scope: 'locations:write' } as const;
const customFieldsBeyond =
  "HighLevel's location custom fields (`/locations/{locationId}/customFields`): the definitions contacts' customFields are checked against";

export const contactsRoutes = [
  listRow('/contacts', false),
  createRow('/contacts', false),
  route.operation({
    method: 'GET',
    path: '/contacts/{id}',
    section: 'contacts',
    summary: 'Get a contact',
    description: "One of the location's contacts; another location's contact is 404.",
    ...read,
    request: { params: z.object({ id }) },
    operation: GetContact,
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The contact',
      schema: contactResponse,
      body: (data) => ({ contact: contactToRest(data.contact) }),
    },
    errors: [403, 404],
  }),
  updateRow('PUT'),
  updateRow('PATCH'),
  route.operation({
    method: 'DELETE',
    path: '/contacts/{id}',
    section: 'contacts',
    summary: 'Delete a contact',
    description:
      "Removes the contact; its email and phone are free again. HighLevel's body `{succeded: true}`.",
    ...write,
    request: { params: z.object({ id }) },
    operation: graphql(`
      mutation SerebroDeleteContact($id: ID!) {
        deleteContact(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'Deleted',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),

  // ---- HighLevel's paths (v2) ------------------------------------------------------------------
  listRow('/contacts/', true),
  createRow('/contacts/', true),
  route.operation({
    method: 'POST',
    path: '/contacts/search',
    section: 'contacts',
    summary: 'Search contacts',
    description:
      "HighLevel's Search Contacts: `query` over name, email, company and phone; AND-ed `filters` (`{field, operator, value}`; fields firstName, lastName, name, email, phone, companyName, address1, city, state, postalCode, country, website, timezone, source, assignedTo, dnd, tags, dateAdded, dateUpdated, id); `sort`: up to two `{field, direction}` (the first is primary; `asc` or `desc`, default `desc`; newest first without one) by dateAdded, dateUpdated, firstNameLowerCase (or firstName), lastNameLowerCase (or lastName), businessName (or companyName), email, dnd or source. Text sorts ignore case (code-point order of the lower case, as HighLevel's LowerCase fields); ties go by contact id; contacts without the value come last in either direction. `page` + `pageLimit` (≤ 100) up to 10,000 contacts deep, `searchAfter` past that: each contact's `searchAfter` is its sort values (dates in epoch ms, null where it has none) then its id, e.g. `[dateAdded ms, id]`; send the last one to continue after it, with the same sort.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Search Contacts (`POST /contacts/search`), the v2 search of GET /contacts",
    ...read,
    request: {
      body: z.object({
        locationId: id.optional().describe('required with an agency credential'),
        query: z.string().optional(),
        filters: z.array(searchFilter).optional(),
        sort: z
          .array(
            z.object({
              field: z
                .string()
                .describe(
                  'dateAdded, dateUpdated, firstNameLowerCase, lastNameLowerCase, businessName, email, dnd, source',
                ),
              direction: z.string().optional().describe('asc or desc (default)'),
            }),
          )
          .optional()
          .describe('at most two; the first is primary'),
        page: z.number().int().optional(),
        pageLimit: z.number().int().optional().describe('1-100, default 20'),
        searchAfter: z
          .array(searchAfterValue)
          .optional()
          .describe("the last contact's searchAfter (its sort values, then its id), with the same sort"),
      }),
    },
    operation: graphql(
      `
        query SerebroSearchContacts(
          $query: String
          $filters: [ContactSearchFilter!]
          $sort: [ContactSearchSort!]
          $page: Int
          $pageLimit: Int
          $searchAfter: [JSON]
        ) {
          searchContacts(
            query: $query
            filters: $filters
            sort: $sort
            page: $page
            pageLimit: $pageLimit
            searchAfter: $searchAfter
          ) {
            ...ContactPageFields
            searchAfter
          }
        }
      `,
      [ContactPage],
    ),
    variables: ({ body }) => ({
      query: body.query,
      filters: body.filters,
      sort: body.sort,
      page: body.page,
      pageLimit: body.pageLimit,
      searchAfter: body.searchAfter,
    }),
    response: {
      status: 200,
      description: 'The matching contacts (each with its `searchAfter` cursor) and how many match',
      schema: z.object({
        contacts: z.array(contactSchema.extend({ searchAfter: z.array(searchAfterValue) })),
        total: z.number().int(),
      }),
      body: (data) => {
        const page = readFragment(ContactPage, data.searchContacts);
        // the crm gives each contact's cursor for the sort it ran, in the order of the contacts
        const cursors = (data.searchContacts.searchAfter ?? []) as z.output<typeof searchAfterValue>[][];
        return {
          contacts: page.contacts.map((ref, index) => ({
            ...contactToRest(ref),
            searchAfter: cursors[index] ?? [],
          })),
          total: page.meta.total,
        };
      },
    },
    errors: [400, 403],
  }),
  tagsRow('POST'),
  tagsRow('DELETE'),

  route.operation({
    method: 'GET',
    path: '/locations/{locationId}/customFields',
    section: 'contacts',
    summary: "List a location's custom fields",
    beyondSpec: customFieldsBeyond,
    ...locationsRead,
    request: { params: z.object({ locationId: id }) },
    operation: graphql(
      `
        query SerebroListCustomFields {
          customFields {
            ...CustomFieldFields
          }
        }
      `,
      [CustomFieldFields],
    ),
    response: {
      status: 200,
      description: 'The custom fields, by position',
      schema: z.object({ customFields: z.array(customFieldSchema) }),
      body: (data) => ({ customFields: data.customFields.map(customFieldToRest) }),
    },
    errors: [403],
  }),
  route.operation({
    method: 'POST',
    path: '/locations/{locationId}/customFields',
    section: 'contacts',
    summary: 'Create a custom field',
    description:
      'Its key is `contact.<snake_case name>`, unique in the location; option fields need options.',
    beyondSpec: customFieldsBeyond,
    ...locationsWrite,
    request: { params: z.object({ locationId: id }), body: customFieldBody },
    operation: graphql(
      `
        mutation SerebroCreateCustomField($input: CustomFieldInput!) {
          createCustomField(input: $input) {
            ...CustomFieldFields
          }
        }
      `,
      [CustomFieldFields],
    ),
    variables: ({ body }) => ({ input: customFieldInputOf(body) }),
    response: {
      status: 201,
      description: 'The custom field',
      schema: customFieldResponse,
      body: (data) => ({ customField: customFieldToRest(data.createCustomField) }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/locations/{locationId}/customFields/{id}',
    section: 'contacts',
    summary: 'Get a custom field',
    beyondSpec: customFieldsBeyond,
    ...locationsRead,
    request: { params: customFieldParams },
    operation: graphql(
      `
        query SerebroGetCustomField($id: ID!) {
          customField(id: $id) {
            ...CustomFieldFields
          }
        }
      `,
      [CustomFieldFields],
    ),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The custom field',
      schema: customFieldResponse,
      body: (data) => ({ customField: customFieldToRest(data.customField) }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/locations/{locationId}/customFields/{id}',
    section: 'contacts',
    summary: 'Update a custom field',
    description: 'Name, placeholder, options and position; the key and type stay.',
    beyondSpec: customFieldsBeyond,
    ...locationsWrite,
    request: { params: customFieldParams, body: customFieldBody },
    operation: graphql(
      `
        mutation SerebroUpdateCustomField($id: ID!, $input: CustomFieldInput!) {
          updateCustomField(id: $id, input: $input) {
            ...CustomFieldFields
          }
        }
      `,
      [CustomFieldFields],
    ),
    variables: ({ params, body }) => ({ id: params.id, input: customFieldInputOf(body) }),
    response: {
      status: 200,
      description: 'The custom field',
      schema: customFieldResponse,
      body: (data) => ({ customField: customFieldToRest(data.updateCustomField) }),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/locations/{locationId}/customFields/{id}',
    section: 'contacts',
    summary: 'Delete a custom field',
    beyondSpec: customFieldsBeyond,
    ...locationsWrite,
    request: { params: customFieldParams },
    operation: graphql(`
      mutation SerebroDeleteCustomField($id: ID!) {
        deleteCustomField(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'Deleted',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),
];
