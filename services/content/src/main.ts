import { runMain } from '@seren/service-kit';
import { startContentService } from './service.js';

runMain(() => startContentService());
