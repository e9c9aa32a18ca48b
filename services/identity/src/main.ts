import { runMain } from '@seren/service-kit';
import { startIdentityService } from './service.js';

runMain(() => startIdentityService());
