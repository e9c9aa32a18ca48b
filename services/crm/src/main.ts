import { runMain } from '@seren/service-kit';
import { startCrmService } from './service.js';

runMain(() => startCrmService());
