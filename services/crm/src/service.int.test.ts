import { describeDomainService } from '@seren/testing';
import { startCrmService } from './service';

describeDomainService('crm', (env) => startCrmService(env), { worker: true });
