/**
 * `npm run demo`: pcsync's main job end to end on the embedded emulators, with no org and no network.
 * Every command it runs is printed first, so a reader learns the real commands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { PartnerCenterClient } from '../src/partner-center/client.js';
import { PartnerCenterTokenProvider } from '../src/partner-center/auth/token-provider.js';
import { TokenStore } from '../src/partner-center/auth/token-store.js';
import { cliEnvironment } from './cli-env.js';
import { repoRoot, say, sf, startService, startSf, step, stopAll } from './demo/processes.js';

const home = mkdtempSync(path.join(tmpdir(), 'pcsync-demo-home-'));
const ORG = 'pcsync-demo';

const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  ...cliEnvironment(home),
  SF_ORG_METADATA_REST_DEPLOY: 'true',
};

type Json = Record<string, unknown>;

async function main(): Promise<void> {
  step('1. Start the two emulators (a Salesforce org and Partner Center), on ports they pick');
  const salesforce = await startService(
    ['run', '--silent', 'emulate:salesforce', '--', '--port', '0'],
    /listening on/,
    baseEnv
  );
  const partnerCenter = await startService(
    ['run', '--silent', 'emulate:partner-center', '--', '--port', '0'],
    /listening on/,
    baseEnv
  );
  const sfUrl = /listening on (\S+)/.exec(salesforce.firstLine)?.[1] ?? '';
  const pcUrl = /listening on (\S+)/.exec(partnerCenter.firstLine)?.[1] ?? '';
  const pcEnv = Object.fromEntries(
    Object.entries(partnerCenter.values).filter(([key]) => key.startsWith('PCSYNC_') || key === 'NODE_EXTRA_CA_CERTS')
  );
  const env: NodeJS.ProcessEnv = { ...baseEnv, ...pcEnv };
  say(
    '  The Partner Center endpoints and a headless sign-in come from the emulator: PCSYNC_AUTHORITY, PCSYNC_REFERRALS_BASE_URL, PCSYNC_WEBHOOKS_BASE_URL, PCSYNC_TENANT_ID, PCSYNC_CLIENT_ID, PCSYNC_REFRESH_TOKEN.'
  );
  tls.setDefaultCACertificates([
    ...tls.getCACertificates('default'),
    readFileSync(String(pcEnv.NODE_EXTRA_CA_CERTS), 'utf8'),
  ]);

  step("2. Link the plugin into the repository's sf CLI and log in to the emulated org");
  await sf(['plugins', 'link', repoRoot, '--no-install'], env, { quiet: true });
  await sf(
    ['org', 'login', 'access-token', '--instance-url', sfUrl, '--alias', ORG, '--no-prompt'],
    { ...env, SF_ACCESS_TOKEN: salesforce.values.SF_ACCESS_TOKEN },
    { quiet: true }
  );
  say(`  Logged in to ${sfUrl} as ${ORG}.`);

  step("3. The README's install: deploy force-app, then give the sync's user its permission set");
  await sf(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', ORG], env);
  await sf(['org', 'assign', 'permset', '--name', 'Partner_Center_Integration', '--target-org', ORG], env);
  await sf(['pcsync', 'config', 'validate', '--target-org', ORG], env);

  step('4. A book of business: referrals from Microsoft in Partner Center, flagged deals in Salesforce');
  const admin = async (route: string, body: Json = {}): Promise<Json> => {
    const response = await fetch(`${pcUrl}/__emulator${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Json;
  };
  const incoming: string[] = [];
  for (let i = 0; i < 24; i++)
    incoming.push(String((await admin('/referrals', { kind: i % 3 === 0 ? 'lead' : 'cosell' })).id));
  for (const id of incoming.slice(0, 8)) await admin(`/referrals/${id}/accept`);
  for (const id of incoming.slice(8, 10)) {
    await admin(`/referrals/${id}/accept`);
    await admin(`/referrals/${id}/win`);
  }
  await admin(`/referrals/${incoming[10]}/decline`, { statusReason: 'Not our market' });
  say(`  Partner Center holds ${incoming.length} referrals from Microsoft: 13 waiting, 8 accepted, 2 won, 1 declined.`);

  const create = async (sobject: string, values: string): Promise<string> => {
    const { stdout } = await sf(
      ['data', 'create', 'record', '--sobject', sobject, '--values', values, '--target-org', ORG, '--json'],
      env,
      { quiet: true }
    );
    return String((JSON.parse(stdout) as { result: { id: string } }).result.id);
  };
  const fabrikam = await create('Account', "Name=Fabrikam BillingCountry='United States'");
  const nowhere = await create('Account', "Name='Nowhere Ltd'");
  const buyer = await create('Contact', `LastName=Buyer Email=buyer@fabrikam.example AccountId=${fabrikam}`);
  const deal = (name: string, account: string, extra = ''): string =>
    `Name='${name}' StageName=Qualification CloseDate=2027-03-31 Amount=250000 AccountId=${account} Sync_With_Partner_Center__c=true Partner_Center_Solutions__c=SOL-34104-EBB ${extra}`.trim();
  await create('Opportunity', deal('Fabrikam Azure migration', fabrikam));
  const coSell = await create(
    'Opportunity',
    deal('Fabrikam data platform', fabrikam, "How_Can_Microsoft_Help__c='Proof of concept or demo'")
  );
  await create('OpportunityContactRole', `OpportunityId=${coSell} ContactId=${buyer} IsPrimary=true`);
  await create('Opportunity', deal('Nowhere security review', nowhere));
  say(
    '  A rep flagged three Opportunities for Partner Center; one asks Microsoft for help; one has an Account with no country.'
  );

  step('5. The sync, both ways');
  await sf(['pcsync', 'run', '--target-org', ORG], env, { allowFailure: true });
  say('  (Exit code 1: one Opportunity failed its readiness check; its error is on the record, see step 8.)');

  step("6. Register the webhook and start the receiver: Partner Center's changes now arrive on their own");
  const certificates = String(partnerCenter.values.PCSYNC_AUTHORITY).replace(/\/[^/]+$/, '/certs/');
  // Port 0: the receiver picks a free port and says which. The emulator signs as Microsoft does, under a signing
  // root of its own (trusted here explicitly), with its intermediate published under /pkiops/.
  const serve = startSf(
    [
      ...['pcsync', 'serve', '--target-org', ORG, '--port', '0'],
      ...['--allow-certificate-url', certificates, '--allow-issuer-url', `${pcUrl}/pkiops/`],
      ...['--signing-root', String(partnerCenter.values.PCSYNC_SIGNING_ROOT)],
    ],
    env
  );
  const [, hook] = await serve.ready(/Receiving Partner Center webhooks at (\S+)/);
  await sf(['pcsync', 'webhook', 'register', '--url', hook], env);

  const tokens = new PartnerCenterTokenProvider({
    settings: {
      authority: String(pcEnv.PCSYNC_AUTHORITY),
      tenantId: String(pcEnv.PCSYNC_TENANT_ID),
      clientId: String(pcEnv.PCSYNC_CLIENT_ID),
    },
    env: pcEnv,
    store: new TokenStore({ rootFolder: home }),
  });
  const client = new PartnerCenterClient(
    { referralsBaseUrl: String(pcEnv.PCSYNC_REFERRALS_BASE_URL), concurrency: 2 },
    { tokens }
  );
  const opportunity = async (referralId: string): Promise<Json | undefined> => {
    const { records } = (await (await fetch(`${sfUrl}/__emulator/records/Opportunity`)).json()) as { records: Json[] };
    return records.find((row) => row.Referral_Identifier__c === referralId);
  };
  const arrival = async (
    what: string,
    referralId: string,
    change: () => Promise<unknown>,
    arrived: (row: Json) => boolean
  ): Promise<void> => {
    const started = Date.now();
    await change();
    for (;;) {
      const row = await opportunity(referralId);
      if (row && arrived(row)) break;
      if (Date.now() - started > 30_000) throw new Error(`${what} did not arrive within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    say(`  ${what}: in Salesforce ${((Date.now() - started) / 1000).toFixed(2)} s later, through the webhook.`);
  };

  step("7. Microsoft's side changes: accept a referral, change a deal value, win a deal");
  await arrival(
    `Microsoft accepts referral ${incoming[11]}`,
    incoming[11],
    () => admin(`/referrals/${incoming[11]}/accept`),
    (row) => row.StageName === 'Qualification'
  );
  await arrival(
    `The deal value of referral ${incoming[1]} becomes 480,000`,
    incoming[1],
    async () =>
      client.update(incoming[1], [{ op: 'replace', path: '/details/dealValue', value: 480000 }], {
        eTag: (await client.get(incoming[1])).eTag,
      }),
    (row) => row.Amount === 480000
  );
  await arrival(
    `Referral ${incoming[2]} is won`,
    incoming[2],
    () => admin(`/referrals/${incoming[2]}/win`),
    (row) => row.StageName === 'Closed Won'
  );
  const ids = [incoming[11], incoming[1], incoming[2]].map((id) => `'${id}'`).join(', ');
  await sf(
    [
      'data',
      'query',
      '--target-org',
      ORG,
      '--query',
      `SELECT Name, StageName, Amount, Partner_Center_Status__c, Partner_Center_Substatus__c FROM Opportunity WHERE Referral_Identifier__c IN (${ids})`,
    ],
    env
  );
  say('$ kill -TERM <sf pcsync serve>');
  await serve.stop();

  step("8. The record that failed Partner Center's readiness check, with its message");
  await sf(
    [
      'data',
      'query',
      '--target-org',
      ORG,
      '--query',
      "SELECT Name, Partner_Center_Sync_State__c, Partner_Center_Sync_Error__c FROM Opportunity WHERE Partner_Center_Sync_State__c = 'Error'",
    ],
    env
  );

  step('9. Where the run records are');
  await sf(
    [
      'data',
      'query',
      '--target-org',
      ORG,
      '--query',
      'SELECT Name, Trigger__c, Status__c, Inbound_Created__c, Inbound_Updated__c, Outbound_Created__c, Outbound_Errors__c FROM Partner_Center_Sync_Run__c ORDER BY Started_At__c',
    ],
    env
  );
  say(
    '  Each run is a Partner_Center_Sync_Run__c record; every record change is a Partner_Center_Sync_Event__c (the timeline in the Opportunity panel).'
  );
}

let failed = false;
try {
  await main();
  step('Done: everything stopped');
} catch (error) {
  failed = true;
  process.stderr.write(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await stopAll();
  rmSync(home, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
