import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { listCustomFields } from '../custom-fields/service.js';
import { callerActsIn } from '../locations.js';
import { emptyPage, type CursorInput } from '../pagination.js';
import type { ContactInput } from './decide.js';
import {
  addContactTags,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  removeContactTags,
  searchContacts,
  updateContact,
  type ContactListFilter,
  type ContactSearchInput,
} from './service.js';

type ListArgs = CursorInput & { filter?: ContactListFilter | null };

const page = ({ items, meta }: { items: unknown[]; meta: unknown }) => ({ contacts: items, meta });

export function contactsResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      contacts: resolver(crm, (c, request, args: ListArgs) =>
        listContacts(c, request, args.filter ?? {}, args).then(page),
      ),
      searchContacts: resolver(crm, (c, request, args: ContactSearchInput) =>
        searchContacts(c, request, args).then((found) => ({
          ...page(found),
          searchAfter: found.searchAfter,
        })),
      ),
      contact: resolver(crm, (c, request, args: { id: string }) => getContact(c, request, args.id)),
    },
    Mutation: {
      createContact: resolver(crm, (c, request, args: { input: ContactInput }) =>
        createContact(c, request, args.input),
      ),
      updateContact: resolver(crm, (c, request, args: { id: string; input: ContactInput }) =>
        updateContact(c, request, args.id, args.input),
      ),
      deleteContact: resolver(crm, (c, request, args: { id: string }) => deleteContact(c, request, args.id)),
      addContactTags: resolver(crm, (c, request, args: { id: string; tags: string[] }) =>
        addContactTags(c, request, args.id, args.tags),
      ),
      removeContactTags: resolver(crm, (c, request, args: { id: string; tags: string[] }) =>
        removeContactTags(c, request, args.id, args.tags),
      ),
    },
    Contact: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getContact(crm, requestInfoOf(context), ref.id),
    },
    Organization: {
      // Only the location the caller acts in: another organization's contacts are not the caller's.
      contacts: resolver(crm, (c, request, args: ListArgs, organization: { id: string }) =>
        callerActsIn(request, organization.id)
          ? listContacts(c, request, args.filter ?? {}, args).then(page)
          : page(emptyPage()),
      ),
      customFields: resolver(crm, (c, request, _args: unknown, organization: { id: string }) =>
        callerActsIn(request, organization.id) ? listCustomFields(c, request) : [],
      ),
    },
  };
}
