/** The permission that manages marketplace apps, installs, private integrations and the vault. */
export const MANAGE_INTEGRATIONS = 'org.manage_integrations';
