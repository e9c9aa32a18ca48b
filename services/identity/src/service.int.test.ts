import { describeDomainService } from '@seren/testing';
import { startIdentityService } from './service';

describeDomainService('identity', (env) => startIdentityService(env));
