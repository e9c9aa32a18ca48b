import { z } from 'zod';
import { loadConfig, platformConfigSchema } from '@seren/service-kit';

/** The gateway's settings: its four public ports and where each subgraph lives. */
export const gatewayConfigSchema = platformConfigSchema
  .pick({ NODE_ENV: true, LOG_LEVEL: true, HOST: true, INTERNAL_TOKEN_SECRET: true })
  .extend({
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    SERENAI_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    SEREBRO_PORT: z.coerce.number().int().min(0).max(65535).default(4002),
    SERELO_PORT: z.coerce.number().int().min(0).max(65535).default(4003),
    IDENTITY_URL: z.url().default('http://127.0.0.1:4101'),
    CRM_URL: z.url().default('http://127.0.0.1:4102'),
    CONTENT_URL: z.url().default('http://127.0.0.1:4103'),
    COMMERCE_URL: z.url().default('http://127.0.0.1:4104'),
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (env?: Record<string, string | undefined>) => loadConfig(gatewayConfigSchema, env);

export function subgraphsOf(config: GatewayConfig) {
  return [
    { name: 'identity', url: config.IDENTITY_URL },
    { name: 'crm', url: config.CRM_URL },
    { name: 'content', url: config.CONTENT_URL },
    { name: 'commerce', url: config.COMMERCE_URL },
  ];
}
