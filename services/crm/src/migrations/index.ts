import { CreateEchoes1795700000000 } from './1795700000000-create-echoes.js';

export const crmMigrations = [CreateEchoes1795700000000];
