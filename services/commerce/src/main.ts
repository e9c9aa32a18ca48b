import { runMain } from '@seren/service-kit';
import { startCommerceService } from './service.js';

runMain(() => startCommerceService());
