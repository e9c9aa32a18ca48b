import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out on every line. Secrets (passwords, tokens, API keys, webhook and client
 * secrets, recovery codes) must never reach a log, whichever object carries them.
 */
export const redactedPaths = [
  'password',
  'new_password',
  'current_password',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apiKey',
  'secret',
  'client_secret',
  'webhook_secret',
  'recovery_code',
  'authorization',
  // publisher upstream credentials (commerce)
  'upstream_api_key',
  'upstreamApiKey',
  'connection_string',
  'connectionString',
  'api_headers',
  'apiHeaders',
  'oauth2_client_secret',
  'oauth2ClientSecret',
  'database_config',
  'databaseConfig',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.api_key',
  '*.apiKey',
  '*.secret',
  '*.client_secret',
  '*.webhook_secret',
  '*.recovery_code',
  '*.authorization',
  '*.upstream_api_key',
  '*.upstreamApiKey',
  '*.connection_string',
  '*.connectionString',
  '*.api_headers',
  '*.apiHeaders',
  '*.oauth2_client_secret',
  '*.oauth2ClientSecret',
  '*.database_config',
  '*.databaseConfig',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
