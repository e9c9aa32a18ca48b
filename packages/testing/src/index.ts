export { ANVIL_DEV_KEYS, infraChainEnv, infraEndpoints, infraS3Env, type InfraEndpoints } from './endpoints.js';
export { testServiceEnv, TEST_INTERNAL_TOKEN_SECRET } from './service-env.js';
export { waitForEvent, type ReceivedEvent } from './events.js';
export { asCaller, graphql } from './callers.js';
export { describeDomainService } from './domain-service.js';
export { withinOneWindow } from './windows.js';
export { startMailCatcher, type CapturedMail, type MailCatcher } from './mail.js';
export { specOf, type PureDecider } from './decider.js';
export {
  temporalTestServerPath,
  timeSkippingWorkflowKit,
  uniqueTaskQueue,
  workflowKit,
  type TimeSkippingWorkflowKit,
  type WorkerOptions,
  type WorkflowKit,
} from './workflows.js';
export { freshConsumerGroup, freshConsumerGroupEnv, type ConsumerGroupEnv } from './consumer-groups.js';
export { OAuthBrowser, scriptedConsent } from './oauth-browser.js';
export { startOutsideProvider, type OutsideClient, type OutsideProvider } from './outside-oauth-provider.js';
export { startFacebookGraphServer, type FacebookGraphServer, type GraphPage } from './facebook-graph-server.js';
export { startServiceChild } from './service-child.js';
export { startDnsServer, type DnsTestServer } from './dns.js';
export { startPrivateChain, type PrivateChain } from './chain.js';
