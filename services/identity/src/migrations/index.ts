import { CreateIdentityTables1795400000000 } from './1795400000000-create-identity-tables.js';
import { EncryptSigningKeys1795500000000 } from './1795500000000-encrypt-signing-keys.js';
import { LoginFailures1795600000000 } from './1795600000000-login-failures.js';
import { Marketplace1795800000000 } from './1795800000000-marketplace.js';
import { OAuthServer1795700000000 } from './1795700000000-oauth-server.js';
import { Connections1796700000000 } from './1796700000000-connections.js';

export const identityMigrations = [
  CreateIdentityTables1795400000000,
  EncryptSigningKeys1795500000000,
  LoginFailures1795600000000,
  OAuthServer1795700000000,
  Marketplace1795800000000,
  Connections1796700000000,
];
