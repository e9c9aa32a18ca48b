export * from './define.js';
export * from './registry.js';
export * from './identity/events.js';
export * from './identity/inputs.js';
export * from './identity/permissions.js';
export * from './asyncapi.js';
export * from './text.js';
