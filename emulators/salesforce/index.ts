/** The Salesforce org emulator's programmatic API (tests, the demo, benchmarks). */
export { startSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from './server.js';
export type { FaultKind, FaultOptions } from './faults.js';
export type { RequestLogEntry, WaitOptions } from './request-log.js';
export type { SeedData } from './org.js';
export { caseSafeSuffix, isValidId, to18 } from './ids.js';
export { parseCsv, toCsv } from './csv.js';
