/**
 * `npm run emulate:partner-center -- [--port N] [--latency-ms N] [--fault-rate X] [--seed FILE]`
 * Prints the start-up contract of SPEC.md ("Emulators") and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startPartnerCenterEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' },
    'fault-rate': { type: 'string', default: '0' },
    seed: { type: 'string' },
  },
  strict: true,
});

const number = (name: string, text: string, max = Number.MAX_SAFE_INTEGER): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > max) {
    process.stderr.write(`--${name} must be a number between 0 and ${max}; got "${text}"\n`);
    process.exit(2);
  }
  return value;
};

const emulator = await startPartnerCenterEmulator({
  port: number('port', values.port, 65535),
  latencyMs: number('latency-ms', values['latency-ms']),
  faultRate: number('fault-rate', values['fault-rate'], 1),
  seed: values.seed,
});

process.stdout.write(
  [
    `Partner Center emulator listening on ${emulator.url}`,
    `NODE_EXTRA_CA_CERTS=${emulator.caCertPath}`,
    `PCSYNC_TENANT_ID=${emulator.tenantId}`,
    `PCSYNC_CLIENT_ID=${emulator.clientId}`,
    `PCSYNC_REFRESH_TOKEN=${emulator.refreshToken}`,
    `PCSYNC_AUTHORITY=${emulator.authority}`,
    `PCSYNC_REFERRALS_BASE_URL=${emulator.referralsBaseUrl}`,
    `PCSYNC_WEBHOOKS_BASE_URL=${emulator.webhooksBaseUrl}`,
  ].join('\n') + '\n'
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
