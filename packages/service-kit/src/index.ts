import 'reflect-metadata';

export * from './config.js';
export * from './logger.js';
export * from './errors.js';
export * from './caller.js';
export * from './connections.js';
export * from './server.js';
export * from './platform.js';
export * from './metadata.js';
export * from './input.js';
export * from './application.js';
export * from './graphql.js';
export * from './worker.js';
