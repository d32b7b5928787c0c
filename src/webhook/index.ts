/** The Partner Center webhook receiver: verification, events, the queue in front of the sync engine, the server. */
export * from './certificates.js';
export * from './errors.js';
export * from './events.js';
export * from './logger.js';
export * from './metrics.js';
export * from './queue.js';
export * from './server.js';
export * from './verify.js';
