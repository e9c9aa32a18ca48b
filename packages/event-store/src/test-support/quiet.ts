import pino from 'pino';

/** Tests log warnings and errors only (set LOG_LEVEL=debug to see everything). */
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
