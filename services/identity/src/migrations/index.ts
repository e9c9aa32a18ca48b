import { CreateIdentityTables1795400000000 } from './1795400000000-create-identity-tables.js';

export const identityMigrations = [CreateIdentityTables1795400000000];
