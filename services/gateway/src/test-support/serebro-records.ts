import { asCaller, graphql } from '@seren/testing';
import type { SerebroOAuth } from './serebro-oauth';

// Credentials and records for the Serebro record tests (opportunities, appointments): location and
// agency API keys (v1), private integration tokens (v2) made by the agency's owner at identity, and
// contacts made at the crm subgraph directly (the tests of opportunities and appointments do not
// depend on the contacts rows).

export function serebroRecords(oauth: SerebroOAuth) {
  const { s, asOwner } = oauth;
  return {
    /** a v1 API key of the location or agency */
    apiKey: async (organizationId: string) =>
      (
        await asOwner<{ createApiKey: { key: string } }>(
          `mutation($o: ID!) { createApiKey(organizationId: $o, name: "v1 key") { key } }`,
          { o: organizationId },
        )
      ).createApiKey.key,
    /** a v2 private integration token of the location or agency, with these scopes (HighLevel's names work) */
    pit: async (organizationId: string, scopes: string[]) =>
      (
        await asOwner<{ createPrivateIntegration: { token: string } }>(
          `mutation($o: ID!, $n: String!, $s: [String!]!) {
            createPrivateIntegration(organizationId: $o, name: $n, scopes: $s) { token }
          }`,
          { o: organizationId, n: `pit ${scopes.join(' ')}`, s: scopes },
        )
      ).createPrivateIntegration.token,
    /** a contact of the location (at the crm subgraph, as a location credential) */
    contact: async (locationId: string, email: string) => {
      const result = await graphql<{ createContact: { id: string } }>(
        s.crm.url,
        `
          mutation ($i: ContactInput!) {
            createContact(input: $i) {
              id
            }
          }
        `,
        { i: { email, firstName: email.split('@')[0] } },
        await asCaller({
          subject: 'test-key',
          kind: 'agent',
          via: 'api_key',
          authClass: 'Location',
          organizationId: locationId,
          resourceId: locationId,
        }),
      );
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!.createContact.id;
    },
  };
}

/** Polls until `check` answers something truthy (or fails after `timeoutMs`). */
export async function eventuallyValue<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
