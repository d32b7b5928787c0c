/**
 * `npm run emulate:partner-center -- [--port N] [--latency-ms N] [--fault-rate X] [--seed FILE]`
 *   (also `--lost-response-rate X`, `--clock-skew-ms N`, `--strict-odata`, `--legacy-signing-chain`, `--fault-seed N`)
 * Prints the start-up contract of SPEC.md ("Emulators") and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startPartnerCenterEmulator } from './server.js';

const USAGE =
  'usage: emulate:partner-center [--port N] [--latency-ms N] [--fault-rate X] [--lost-response-rate X] [--seed FILE] ' +
  '[--fault-seed N] [--clock-skew-ms N] [--strict-odata] [--legacy-signing-chain]';

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** parseArgs reads `--clock-skew-ms -5000` as a flag without its value; join a negative number to its flag. */
function joinNegativeValues(argv: string[]): string[] {
  return argv.flatMap((arg, i) =>
    /^-\d/.test(arg) && argv[i - 1] === '--clock-skew-ms'
      ? []
      : arg === '--clock-skew-ms' && /^-\d/.test(argv[i + 1] ?? '')
        ? [`${arg}=${argv[i + 1]}`]
        : [arg]
  );
}

let parsed;
try {
  parsed = parseArgs({
    args: joinNegativeValues(process.argv.slice(2)),
    options: {
      port: { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '0' },
      'fault-rate': { type: 'string', default: '0' },
      'lost-response-rate': { type: 'string', default: '0' },
      'fault-seed': { type: 'string' },
      'clock-skew-ms': { type: 'string', default: '0' },
      'strict-odata': { type: 'boolean', default: false },
      'legacy-signing-chain': { type: 'boolean', default: false },
      seed: { type: 'string' },
    },
    strict: true,
  });
} catch (error) {
  usage((error as Error).message);
}
const { values } = parsed;

const number = (name: string, text: string, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    usage(`--${name} must be a number between ${min} and ${max}; got "${text}"`);
  return value;
};

const emulator = await startPartnerCenterEmulator({
  port: number('port', values.port, 0, 65535),
  latencyMs: number('latency-ms', values['latency-ms']),
  faultRate: number('fault-rate', values['fault-rate'], 0, 1),
  lostResponseRate: number('lost-response-rate', values['lost-response-rate'], 0, 1),
  randomSeed:
    values['fault-seed'] === undefined ? undefined : number('fault-seed', values['fault-seed'], 0, 2 ** 32 - 1),
  clockSkewMs: number('clock-skew-ms', values['clock-skew-ms'], -Number.MAX_SAFE_INTEGER),
  strictOData: values['strict-odata'],
  legacySigningChain: values['legacy-signing-chain'],
  seed: values.seed,
});

process.stdout.write(
  [
    `Partner Center emulator listening on ${emulator.url}`,
    `NODE_EXTRA_CA_CERTS=${emulator.caCertPath}`,
    `PCSYNC_SIGNING_ROOT=${emulator.signingRootPath}`,
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
