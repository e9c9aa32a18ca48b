import { describeDomainService } from '@seren/testing';
import { startCommerceService } from './service';

describeDomainService('commerce', (env) => startCommerceService(env), { worker: true });
