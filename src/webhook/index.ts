/**
 * The Partner Center webhook receiver: verification, events, the queue in front of the sync engine, the server.
 *
 * Wiring (what `sf pcsync serve` does):
 *
 * ```ts
 * const logger = createLogger({ json: flags['json-logs'] });
 * const queue = new WebhookQueue({
 *   processBatch: async (referralIds) => {
 *     await runSync(deps, { referralIds, direction: 'inbound', trigger: 'Webhook' });
 *   },
 *   logger,
 * });
 * const server = await startWebhookServer({
 *   host, port, path: config.serve.path, tls,
 *   verifier: {
 *     allowList: config.serve.certificateUrlAllowList,
 *     issuerAllowList: config.serve.issuerUrlAllowList,
 *     trustedRoots: signingTrustAnchors(extraAnchors), // never the TLS store
 *     fetchCertificate: httpCertificateFetcher(),
 *   },
 *   queue, logger, health: () => ({ ok: true, partnerCenterAuth: 'valid', lastPassSucceededAt }),
 *   apiRequests: () => ({ 'partner-center': pcRequests, salesforce: sfRequests }),
 * });
 * process.once('SIGTERM', () => void server.close(10_000).then(() => process.exit(0)));
 * ```
 */
export * from './certificate-fetch.js';
export * from './certificate-urls.js';
export * from './chain.js';
export * from './delivery-headers.js';
export * from './errors.js';
export * from './events.js';
export * from './logger.js';
export * from './metrics.js';
export * from './queue.js';
export * from './server.js';
export * from './trust-anchors.js';
export * from './verify.js';
export * from './x509-fields.js';
