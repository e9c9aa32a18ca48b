import { runMain } from '@seren/service-kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

runMain(() => startGateway(loadGatewayConfig()));
