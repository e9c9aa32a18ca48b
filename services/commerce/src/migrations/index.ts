import { CreateEchoes1795700000000 } from './1795700000000-create-echoes.js';

export const commerceMigrations = [CreateEchoes1795700000000];
