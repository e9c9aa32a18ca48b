export { isPrivateAddress } from './addresses.js';
export { outboundPolicy, outboundPolicyFromEnv, permits, type OutboundPolicy } from './policy.js';
export {
  checkOutboundUrl,
  outboundDispatcher,
  outboundFetch,
  OutboundRefused,
  parseOutboundUrl,
  type DispatcherOptions,
  type OutboundInit,
  type RefusalReason,
  type UrlRules,
} from './guard.js';
