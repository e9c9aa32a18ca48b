import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import type { CredentialValues } from './decide.js';
import {
  createCredential,
  deleteCredential,
  getCredential,
  listCredentials,
  rotateCredential,
} from './service.js';

type SecretInput = { key: string; value: string }[];

/** GraphQL's list of secrets as the service's map (a repeated key keeps the last). */
const valuesOf = (secrets: SecretInput): CredentialValues =>
  Object.fromEntries(secrets.map(({ key, value }) => [key, value]));

export function credentialsResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      credentials: resolver(crm, (c, request) => listCredentials(c, request)),
      credential: resolver(crm, (c, request, args: { id: string }) => getCredential(c, request, args.id)),
    },
    Mutation: {
      createCredential: resolver(
        crm,
        (c, request, args: { input: { name: string; kind?: string | null; values: SecretInput } }) =>
          createCredential(c, request, { ...args.input, values: valuesOf(args.input.values) }),
      ),
      rotateCredential: resolver(crm, (c, request, args: { id: string; values: SecretInput }) =>
        rotateCredential(c, request, args.id, { values: valuesOf(args.values) }),
      ),
      deleteCredential: resolver(crm, (c, request, args: { id: string }) =>
        deleteCredential(c, request, args.id),
      ),
    },
    Credential: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getCredential(crm, requestInfoOf(context), ref.id),
    },
  };
}
