import { expect } from 'chai';
import { ConfigError, validateConfig } from '../../../src/config/index.js';
import { DEFAULT_LEAD_MAPPING } from '../../../src/mapping/lead-defaults.js';

function problemsOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    validateConfig(raw);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).data?.problems ?? [];
  }
  return expect.fail('expected a ConfigError');
}

describe('config: leads', () => {
  it("defaults to Salesforce Leads for both of Microsoft's lead kinds, with the shipped lead mapping", () => {
    const { leads } = validateConfig({});
    expect(leads.sync).to.equal('lead');
    expect(leads.kinds).to.deep.equal(['marketplaceLead', 'qualifiedLead']);
    expect(leads.mapping).to.deep.equal(DEFAULT_LEAD_MAPPING);
    expect(leads.statuses).to.deep.equal({
      accepted: 'Closed - Converted',
      declined: 'Closed - Not Converted',
      converted: 'Closed - Converted',
    });
  });

  it('takes off, opportunity and a narrower set of kinds', () => {
    expect(validateConfig({ leads: { sync: 'off' } }).leads.sync).to.equal('off');
    const { leads } = validateConfig({ leads: { sync: 'opportunity', kinds: ['qualifiedLead'] } });
    expect(leads).to.include({ sync: 'opportunity' });
    expect(leads.kinds).to.deep.equal(['qualifiedLead']);
  });

  it('names the key and the allowed values of a bad switch or kind', () => {
    expect(problemsOf({ leads: { sync: 'leads' } })).to.deep.include({
      path: 'plugins.pcsync.leads.sync',
      message: '"leads" is not allowed; use one of: lead, opportunity, off',
      severity: 'error',
    });
    const [kind] = problemsOf({ leads: { kinds: ['coSell'] } });
    expect(kind.path).to.equal('plugins.pcsync.leads.kinds[0]');
    expect(kind.message).to.equal('"coSell" is not allowed; use one of: marketplaceLead, qualifiedLead');
    expect(problemsOf({ leads: { statuz: {} } })[0].path).to.match(/^plugins\.pcsync\.leads/);
  });

  it('refuses lead rules that write Partner Center, a relationship or one field twice, and accept = decline', () => {
    const rule = { partnerCenter: 'customerProfile.name', salesforce: 'Company', direction: 'inbound' };
    const problems = problemsOf({
      leads: {
        mapping: [
          { ...rule, direction: 'both' },
          { ...rule, salesforce: 'Owner.Name' },
          { ...rule, partnerCenter: 'name' },
        ],
        statuses: { accepted: 'Working - Contacted', declined: 'Working - Contacted' },
      },
    });
    expect(problems.map((p) => p.path)).to.deep.equal([
      'plugins.pcsync.leads.mapping[0].direction',
      'plugins.pcsync.leads.mapping[1].salesforce',
      'plugins.pcsync.leads.mapping[2].salesforce',
      'plugins.pcsync.leads.statuses.declined',
    ]);
    expect(problems[0].message).to.equal('"both" is not allowed in the lead mapping; use "inbound"');
    expect(problems[2].message).to.equal('"Company" is already written by leads.mapping[0]');
  });

  it("takes a lead rule's on and a constant for a Lead field, and refuses a constant sent to Partner Center", () => {
    const { leads } = validateConfig({
      leads: { mapping: [{ salesforce: 'LeadSource', value: 'Web', on: 'create' }] },
    });
    expect(leads.mapping[0]).to.include({ salesforce: 'LeadSource', value: 'Web', on: 'create', direction: 'inbound' });
    const problems = problemsOf({ leads: { mapping: [{ partnerCenter: 'details.notes', value: 'x' }] } });
    expect(problems).to.deep.equal([
      {
        path: 'plugins.pcsync.leads.mapping[0].salesforce',
        message: 'is required in the lead mapping: a constant there sets a Lead field',
        severity: 'error',
      },
    ]);
  });
});
