// What a bearer credential is, shared by the authenticator (edge/authenticate.ts) and the products'
// policies (rest/products.ts), so that neither imports the other.

/** How identity's `/internal/authenticate` should read a credential. */
export type CredentialScheme = 'api_key' | 'bearer';

/** A JWT has three base64url segments; anything else on a bearer header is an API key. */
export const looksLikeJwtCredential = (credential: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(credential);

/** A Serebro private integration token (HighLevel's shape, `pit-<uuid>`): identity reads it as a bearer token. */
export const looksLikePitCredential = (credential: string) =>
  /^pit-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(credential);
