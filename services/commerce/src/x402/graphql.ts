import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';

export function x402Resolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      x402Supported: resolver(commerce, (c) => {
        const supported = c.x402.facilitator.getSupported();
        return {
          kinds: supported.kinds.map(({ x402Version, scheme, network }) => ({
            x402Version,
            scheme,
            network,
          })),
          extensions: supported.extensions,
          signers: Object.entries(supported.signers).map(([family, addresses]) => ({ family, addresses })),
        };
      }),
    },
  };
}
