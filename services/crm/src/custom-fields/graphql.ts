import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import type { CustomFieldInput } from './decide.js';
import {
  createCustomField,
  deleteCustomField,
  getCustomField,
  listCustomFields,
  updateCustomField,
} from './service.js';

export function customFieldsResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      customFields: resolver(crm, (c, request) => listCustomFields(c, request)),
      customField: resolver(crm, (c, request, args: { id: string }) => getCustomField(c, request, args.id)),
    },
    Mutation: {
      createCustomField: resolver(crm, (c, request, args: { input: CustomFieldInput }) =>
        createCustomField(c, request, args.input),
      ),
      updateCustomField: resolver(crm, (c, request, args: { id: string; input: CustomFieldInput }) =>
        updateCustomField(c, request, args.id, args.input),
      ),
      deleteCustomField: resolver(crm, (c, request, args: { id: string }) =>
        deleteCustomField(c, request, args.id),
      ),
    },
    CustomField: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getCustomField(crm, requestInfoOf(context), ref.id),
    },
  };
}
