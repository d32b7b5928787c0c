/**
 * `npm run emulate:salesforce -- [--port N] [--latency-ms N] [--fault-rate X] [--seed FILE] [--load-metadata]`
 *   (also `--metadata-dir DIR`, `--daily-api-limit N`, `--fault-seed N`, `--clock-skew-ms N` (negative: write
 *   `--clock-skew-ms=-5000`), `--lost-response-rate X`, `--no-state-country-picklists`, `--no-duplicate-rules`,
 *   `--admin-user`)
 * Prints `Salesforce emulator listening on http://127.0.0.1:PORT` once it accepts connections, then
 * `SF_ACCESS_TOKEN=…` for `sf org login access-token`; stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSalesforceEmulator } from './server.js';

function usage(message: string): never {
  console.error(
    `${message}\nusage: emulate:salesforce [--port N] [--latency-ms N] [--fault-rate X] [--seed FILE] [--load-metadata] [--metadata-dir DIR] [--daily-api-limit N] [--fault-seed N] [--clock-skew-ms N] [--lost-response-rate X] [--no-state-country-picklists] [--no-duplicate-rules] [--admin-user]`
  );
  process.exit(2);
}

function number(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    usage(`--${name} must be a number between ${min} and ${max} (was ${value})`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        'latency-ms': { type: 'string' },
        'fault-rate': { type: 'string' },
        seed: { type: 'string' },
        'load-metadata': { type: 'boolean' },
        'metadata-dir': { type: 'string' },
        'daily-api-limit': { type: 'string' },
        'fault-seed': { type: 'string' },
        'clock-skew-ms': { type: 'string' },
        'lost-response-rate': { type: 'string' },
        'no-state-country-picklists': { type: 'boolean' },
        'no-duplicate-rules': { type: 'boolean' },
        'admin-user': { type: 'boolean' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values } = parsed;
  const emulator = await startSalesforceEmulator({
    port: number('port', values.port, 0, 65_535),
    latencyMs: number('latency-ms', values['latency-ms'], 0, 600_000),
    faultRate: number('fault-rate', values['fault-rate'], 0, 1),
    faultSeed: number('fault-seed', values['fault-seed'], 0, 2 ** 32 - 1),
    seed: values.seed,
    loadMetadata: values['metadata-dir'] ?? values['load-metadata'] ?? false,
    dailyApiLimit: number('daily-api-limit', values['daily-api-limit'], 0, Number.MAX_SAFE_INTEGER),
    clockSkewMs: number('clock-skew-ms', values['clock-skew-ms'], -31_536_000_000, 31_536_000_000),
    lostResponseRate: number('lost-response-rate', values['lost-response-rate'], 0, 1),
    stateCountryPicklists: !values['no-state-country-picklists'],
    duplicateRules: !values['no-duplicate-rules'],
    adminUser: values['admin-user'] ?? false,
  });
  console.log(`Salesforce emulator listening on ${emulator.url}`);
  console.log(`SF_ACCESS_TOKEN=${emulator.accessToken}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    emulator
      .close()
      .then(() => {
        console.error(`Salesforce emulator stopped (${signal})`);
        process.exit(0);
      })
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`Salesforce emulator failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
