import { describeDomainService } from '@seren/testing';
import { startContentService } from './service';

describeDomainService('content', (env) => startContentService(env), { worker: true });
