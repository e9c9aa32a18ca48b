// What other commerce features (the proxy, agent tasks) use of publishers/: the publisher as the
// proxy calls it, and its secrets, opened only for the call. See the commerce README, "Publishers".
export {
  billingModels,
  integrationTypes,
  PRIMARY_ASSET,
  type AuthType,
  type BillingModel,
  type IntegrationType,
} from './fields.js';
export {
  DEFAULT_MAX_ROWS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  findPublisherBySlug,
  type ProxyPublisher,
  type PublisherPrice,
} from './queries.js';
export { openPublisherSecrets, type PublisherSecrets } from './secrets.js';
