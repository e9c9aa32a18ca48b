import { createLogger, startService, type Logger, type ReadinessCheck, type RunningService } from '@seren/service-kit';
import { subgraphsOf, type GatewayConfig } from './config.js';

export interface Gateway {
  logger: Logger;
  /** the GraphQL edge and one listener per product's REST base URL */
  listeners: Record<'graphql' | 'serenai' | 'serebro' | 'serelo', RunningService>;
  close(): Promise<void>;
}

/**
 * The public edge. Ready when every subgraph says it is ready: a gateway in front of a
 * service that cannot answer would only turn its requests into errors.
 */
export async function startGateway(config: GatewayConfig): Promise<Gateway> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const subgraphs = subgraphsOf(config);
  logger.info({ ports: portsOf(config), subgraphs }, 'configuration');

  const readiness: ReadinessCheck[] = subgraphs.map((subgraph) => ({
    name: subgraph.name,
    check: async () => {
      const response = await fetch(new URL('/readyz', subgraph.url));
      if (!response.ok) throw new Error(`readyz answered ${response.status}`);
    },
  }));

  const listen = (name: string, port: number) =>
    startService({
      name,
      logger: logger.child({ listener: name }),
      host: config.HOST,
      port,
      internalTokenSecret: config.INTERNAL_TOKEN_SECRET,
      readiness,
    });

  const listeners = {
    graphql: await listen('gateway', config.GATEWAY_PORT),
    serenai: await listen('serenai', config.SERENAI_PORT),
    serebro: await listen('serebro', config.SEREBRO_PORT),
    serelo: await listen('serelo', config.SERELO_PORT),
  };
  for (const [name, listener] of Object.entries(listeners)) logger.info({ url: listener.url }, `${name} listening`);

  return {
    logger,
    listeners,
    close: async () => {
      await Promise.all(Object.values(listeners).map((l) => l.close()));
    },
  };
}

function portsOf(config: GatewayConfig) {
  return {
    graphql: config.GATEWAY_PORT,
    serenai: config.SERENAI_PORT,
    serebro: config.SEREBRO_PORT,
    serelo: config.SERELO_PORT,
  };
}
