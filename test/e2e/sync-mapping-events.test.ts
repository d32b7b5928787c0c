/**
 * Mapping rules per event (issue 20) through the real sf CLI: create-only values are set when a record is created
 * and then left to the seller — an Opportunity's Type and Lead Source from a new referral, a campaign on a new
 * referral from an Opportunity — `--dry-run` shows them on planned creates only, and `config validate` refuses a
 * rule with an unknown `on`, a constant outside a restricted picklist and an owner that is no user.
 */
import { expect } from 'chai';
import type { RunResult } from '../../src/commands/pcsync/run.js';
import { DEFAULT_MAPPING } from '../../src/config/index.js';
import { OPP } from '../../src/salesforce/fields.js';
import { clearRequestLog, dataWrites } from '../helpers/salesforce-emulator.js';
import { sharedSyncWorld, withConfigDir } from '../helpers/suite-hooks.js';
import { clientsFor } from '../unit/partner-center/helpers.js';

type Row = Record<string, unknown>;

describe('e2e: mapping rules per event (create-only values, constants)', function () {
  this.timeout(300_000);
  const world = sharedSyncWorld({}, { checkSecrets: false });
  const configs = withConfigDir('pcsync-e2e-events-');

  /** A `--config` file holding the pcsync section with this mapping. */
  const configFile = (name: string, mapping: unknown[]): string => configs.write(`${name}.json`, { mapping });
  const opportunityOf = (referralId: string): Row | undefined =>
    world.sf.records('Opportunity').find((row) => row[OPP.referralId] === referralId);
  const recordOf = (
    result: RunResult,
    key: 'referralId' | 'opportunityId',
    id: string
  ): RunResult['records'][number] => {
    const record = result.records.find((r) => r[key] === id);
    if (!record) return expect.fail(`no record for ${id} in ${JSON.stringify(result.records)}`);
    return record;
  };
  const fieldsChanged = (record: RunResult['records'][number]): string[] => record.changes.map((c) => c.field);

  it('inbound: a new referral sets Type and Lead Source once; the seller’s Type stays while mapped fields follow', async () => {
    // Synced before the admin added the Type rule: it is no create, so it never gets that Type.
    const older = world.pc.admin.createIncoming('cosell');
    world.pc.admin.transition(older.id, 'accept');
    expect((await world.run('--config', configFile('shipped', [...DEFAULT_MAPPING]))).exitCode).to.equal(0);
    expect(opportunityOf(older.id)).to.deep.include({ Type: null, LeadSource: 'Partner Referral' });

    // The shipped mapping already sets LeadSource on create; the admin adds Type.
    const config = configFile('type-on-create', [
      ...DEFAULT_MAPPING,
      { salesforce: 'Type', value: 'New Customer', on: 'create' },
    ]);
    const referral = world.pc.admin.createIncoming('cosell');
    world.pc.admin.transition(referral.id, 'accept');
    const first = await world.run('--config', config);
    expect(first.exitCode, first.stdout).to.equal(0);
    expect(opportunityOf(referral.id)).to.deep.include({ Type: 'New Customer', LeadSource: 'Partner Referral' });

    // The seller decides otherwise; then both referrals change in Partner Center, and a new one arrives.
    const id = String(opportunityOf(referral.id)?.Id);
    await world.rest('PATCH', `/sobjects/Opportunity/${id}`, { Type: 'Existing Customer - Upgrade' });
    for (const changed of [referral, older]) {
      await clientsFor(world.pc).referrals.update(changed.id, [
        { op: 'replace', path: '/details/dealValue', value: 4321 },
        { op: 'replace', path: '/details/notes', value: 'Scope doubled' },
      ]);
    }
    const fresh = world.pc.admin.createIncoming('cosell');

    // The plan: the create-only values on the new referral's create, not on the changed ones' updates.
    const planned = await world.run('--config', config, '--dry-run');
    expect(planned.exitCode, planned.stdout).to.equal(0);
    const plan = planned.json.result as RunResult;
    expect(fieldsChanged(recordOf(plan, 'referralId', fresh.id))).to.include.members(['Type', 'LeadSource']);
    for (const changed of [referral, older]) {
      const update = recordOf(plan, 'referralId', changed.id);
      expect(fieldsChanged(update)).to.include.members(['Amount', 'Description']);
      expect(fieldsChanged(update)).not.to.include.members(['Type']);
      expect(fieldsChanged(update)).not.to.include.members(['LeadSource']);
    }

    world.pc.resetCounters();
    const second = await world.run('--config', config);
    expect(second.exitCode, second.stdout).to.equal(0);
    expect(opportunityOf(referral.id)).to.deep.include({
      Amount: 4321,
      Description: 'Scope doubled',
      Type: 'Existing Customer - Upgrade',
      LeadSource: 'Partner Referral',
    });
    expect(opportunityOf(older.id)).to.deep.include({ Amount: 4321, Type: null });
    expect(opportunityOf(fresh.id)).to.deep.include({ Type: 'New Customer', LeadSource: 'Partner Referral' });
    // Nothing of the seller's goes back to Partner Center, and the next run has nothing to write.
    expect(world.pc.counters()['PATCH /referrals/{id}'] ?? 0).to.equal(0);
    await clearRequestLog(world.sf);
    expect((await world.run('--config', config)).exitCode).to.equal(0);
    expect(dataWrites(world.sf.requests())).to.equal(0);
    expect(opportunityOf(referral.id)?.Type).to.equal('Existing Customer - Upgrade');
  });

  it('outbound: a campaign id set on new referrals goes with the create and is not re-sent with later changes', async () => {
    // Its referral was made before the admin added the campaign rule: no later change sends the campaign.
    const [older] = await world.flag(1);
    const shipped = await world.run('--direction', 'outbound', '--config', configFile('shipped', [...DEFAULT_MAPPING]));
    expect(shipped.exitCode, shipped.stdout).to.equal(0);
    const config = configFile('campaign-on-create', [
      ...DEFAULT_MAPPING,
      { partnerCenter: 'campaignId', value: 'CAMP-2026-SPRING', on: 'create' },
    ]);
    const id = await flagAnother(older, 'Flagged with a campaign');
    const first = await world.run('--direction', 'outbound', '--config', config);
    expect(first.exitCode, first.stdout).to.equal(0);
    const referralId = referralOf(id);
    expect(world.pc.admin.getReferral(referralId).campaignId).to.equal('CAMP-2026-SPRING');
    expect(world.pc.admin.getReferral(referralOf(older)).campaignId).to.equal(undefined);

    // The partner moves the referral to another campaign in Partner Center; the seller changes both deal values.
    await clientsFor(world.pc).referrals.update(referralId, [
      { op: 'replace', path: '/campaignId', value: 'CAMP-PARTNER-CENTER' },
    ]);
    for (const changed of [id, older]) await world.rest('PATCH', `/sobjects/Opportunity/${changed}`, { Amount: 7777 });
    const next = await flagAnother(older, 'Flagged later');

    const planned = await world.run('--direction', 'outbound', '--config', config, '--dry-run');
    expect(planned.exitCode, planned.stdout).to.equal(0);
    const plan = planned.json.result as RunResult;
    expect(recordOf(plan, 'opportunityId', next).changes).to.deep.include({
      field: 'campaignId',
      before: null,
      after: 'CAMP-2026-SPRING',
    });
    for (const changed of [id, older]) {
      expect(fieldsChanged(recordOf(plan, 'opportunityId', changed))).to.deep.equal(['details.dealValue']);
    }

    world.pc.resetCounters();
    const second = await world.run('--direction', 'outbound', '--config', config);
    expect(second.exitCode, second.stdout).to.equal(0);
    expect(world.pc.counters()['PATCH /referrals/{id}']).to.equal(2);
    const patched = world.pc.admin.getReferral(referralId);
    expect(patched.details.dealValue).to.equal(7777);
    expect(patched.campaignId).to.equal('CAMP-PARTNER-CENTER');
    const olderReferral = world.pc.admin.getReferral(referralOf(older));
    expect(olderReferral.details.dealValue).to.equal(7777);
    expect(olderReferral.campaignId).to.equal(undefined);
    expect(world.pc.admin.getReferral(referralOf(next)).campaignId).to.equal('CAMP-2026-SPRING');
  });

  /** The referral an Opportunity holds. */
  const referralOf = (opportunityId: string): string =>
    String(world.sf.records('Opportunity').find((row) => row.Id === opportunityId)?.[OPP.referralId]);

  /** One more flagged Opportunity for the customer of `sibling` (a second Account would be a duplicate). */
  async function flagAnother(sibling: string, name: string): Promise<string> {
    const accountId = world.sf.records('Opportunity').find((row) => row.Id === sibling)?.AccountId;
    const created = await world.rest('POST', '/sobjects/Opportunity', {
      Name: name,
      StageName: 'Qualification',
      CloseDate: '2027-03-31',
      Amount: 500,
      AccountId: accountId,
      [OPP.syncWith]: true,
      [OPP.solutions]: 'SOL-34104-EBB',
    });
    return String(created.id);
  }

  const broken: Array<{ name: string; rule: Record<string, unknown>; expected: RegExp; org?: boolean }> = [
    {
      name: 'an unknown "on"',
      rule: { partnerCenter: 'name', salesforce: 'Name', on: 'sometimes' },
      expected: /mapping\[0\]\.on: "sometimes" is not allowed; use one of: create, update, always/,
    },
    {
      name: 'a constant outside a restricted picklist',
      rule: { salesforce: 'Partner_Center_Deal_Type__c', value: 'Joint venture', on: 'create' },
      expected:
        /mapping\[0\]\.value: "Joint venture" is not a value of the restricted picklist Opportunity\.Partner_Center_Deal_Type__c, which refuses it; use one of: "Private", "Partner-led", "Co-sell"/,
      org: true,
    },
    {
      name: 'an owner that is no user',
      rule: { salesforce: 'OwnerId', value: '005000000000000AAA', on: 'create' },
      expected:
        /mapping\[0\]\.value: "005000000000000AAA" is not an existing User \(Opportunity\.OwnerId looks one up\)/,
      org: true,
    },
  ];
  for (const { name, rule, expected, org } of broken) {
    it(`config validate${org ? ' --target-org' : ''} refuses ${name}, naming the key and what is allowed`, async () => {
      const file = configFile(name.replace(/\W+/g, '-'), [rule, ...DEFAULT_MAPPING]);
      const args = ['pcsync', 'config', 'validate', '--config', file, ...(org ? ['--target-org', 'emu'] : [])];
      const human = await world.session.run(args);
      expect(human.exitCode, human.stdout).to.equal(1);
      expect(human.stderr).to.match(expected);
      const { json, exitCode } = await world.session.runJson(args);
      expect(exitCode).to.equal(1);
      expect(json.message).to.match(expected);
    });
  }

  it('config validate --target-org accepts create-only constants the org takes, an existing owner included', async () => {
    const file = configFile('good-constants', [
      ...DEFAULT_MAPPING,
      { salesforce: 'Type', value: 'New Customer', on: 'create' },
      { salesforce: 'OwnerId', value: world.sf.userId, on: 'create' },
      { partnerCenter: 'campaignId', value: 'CAMP-2026-SPRING', on: 'create' },
    ]);
    const result = await world.session.runJson([
      'pcsync',
      'config',
      'validate',
      '--config',
      file,
      '--target-org',
      'emu',
    ]);
    expect(result.exitCode, JSON.stringify(result.json)).to.equal(0);
  });
});
