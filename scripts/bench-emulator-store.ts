/**
 * `npx tsx scripts/bench-emulator-store.ts [N] [--distinct]` — the Salesforce emulator's store alone, duplicate rules
 * on: N Accounts, N Contacts and N Opportunities inserted as a Bulk API job writes them (200-row calls), shaped as
 * the bench's seeded referrals become them ("Fabrikam n", "1 Main St", "Ada Customern"…; --distinct: unrelated
 * names and addresses, so nothing matches and every insert scans). Prints each object's seconds and refusals.
 */
import { Org } from '../emulators/salesforce/org.js';
import { RecordError } from '../emulators/salesforce/errors.js';

const n = Number(process.argv[2] ?? 2000);
const distinct = process.argv.includes('--distinct');
const org = new Org({ apiVersion: '64.0', username: 'emu@pcsync.example' });
const { store } = org;
const word = (i: number, salt: number): string => {
  let x = (i * 2654435761 + salt * 40503) >>> 0;
  let s = '';
  for (let k = 0; k < 7; k++) {
    s += String.fromCharCode(97 + (x % 26));
    x = Math.floor(x / 26) + k * 7919;
  }
  return s;
};

function insertAll(objectName: string, make: (i: number) => Record<string, unknown>): string[] {
  const object = org.schema.object(objectName)!;
  const ids: string[] = [];
  let refused = 0;
  const begun = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (i % 200 === 0) store.beginCall({ changeOrigin: 'client=bench' });
    try {
      ids.push(store.insert(object, make(i), { csv: true }).Id as string);
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      refused++;
    }
  }
  store.endCall();
  const seconds = (performance.now() - begun) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(
    `${objectName.padEnd(12)} ${n} rows  ${seconds.toFixed(2)} s wall  ${cpuSeconds.toFixed(2)} s CPU  refused ${refused}\n`
  );
  return ids;
}

const accounts = insertAll('Account', (i) =>
  distinct
    ? { Name: `${word(i, 1)} ${word(i, 2)}`, BillingStreet: `${i} ${word(i, 3)} St`, BillingPostalCode: `${10000 + i}` }
    : { Name: `Fabrikam ${i}`, BillingStreet: '1 Main St', BillingCity: 'Redmond', BillingPostalCode: '98052' }
);
insertAll('Contact', (i) => ({
  FirstName: distinct ? word(i, 4) : 'Ada',
  LastName: distinct ? word(i, 5) : `Customer${i}`,
  Email: `ada${i}@fabrikam.example`,
  Phone: distinct ? `555${String(i).padStart(7, '0')}` : '5550100',
  AccountId: accounts[i % accounts.length],
}));
insertAll('Opportunity', (i) => ({
  Name: `Referral ${i}`,
  StageName: 'Prospecting',
  CloseDate: '2027-01-01',
  AccountId: accounts[i % accounts.length],
}));
