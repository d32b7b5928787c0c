/**
 * The bench's world: both emulators in their own processes, started through npm with the injected latency, and the
 * sf CLI logged in to the emulated org with Partner Center's headless sign-in in its environment.
 */
import { PartnerCenter, SalesforceOrg } from './emulators.js';
import { SfCli, startEmulator, stopAll, type Emulator } from './processes.js';

export type World = {
  sf: SalesforceOrg;
  pc: PartnerCenter;
  cli: SfCli;
  latencyMs: number;
  close(): Promise<void>;
};

const PARTNER_CENTER_LINES = [
  'NODE_EXTRA_CA_CERTS',
  'PCSYNC_SIGNING_ROOT',
  'PCSYNC_TENANT_ID',
  'PCSYNC_CLIENT_ID',
  'PCSYNC_REFRESH_TOKEN',
  'PCSYNC_AUTHORITY',
  'PCSYNC_REFERRALS_BASE_URL',
  'PCSYNC_WEBHOOKS_BASE_URL',
];

export async function startWorld(latencyMs: number): Promise<World> {
  const emulators: Emulator[] = [];
  try {
    const latency = ['--port', '0', '--latency-ms', String(latencyMs)];
    const salesforce = await startEmulator('emulate:salesforce', [...latency, '--load-metadata'], ['SF_ACCESS_TOKEN']);
    emulators.push(salesforce);
    const partnerCenter = await startEmulator('emulate:partner-center', latency, PARTNER_CENTER_LINES);
    emulators.push(partnerCenter);
    const sf = new SalesforceOrg(salesforce);
    const pc = new PartnerCenter(partnerCenter);
    const cli = await SfCli.create({ instanceUrl: sf.url, accessToken: sf.accessToken, partnerCenter: pc.env });
    return {
      sf,
      pc,
      cli,
      latencyMs,
      close: async () => {
        cli.clean();
        await Promise.all(emulators.map((emulator) => emulator.stop()));
        await stopAll();
      },
    };
  } catch (error) {
    await Promise.all(emulators.map((emulator) => emulator.stop()));
    await stopAll();
    throw error;
  }
}
