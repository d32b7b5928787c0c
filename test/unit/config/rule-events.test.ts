/** A mapping rule's `on` (create, update, always) and its constant `value`: what the schema takes and refuses. */
import { expect } from 'chai';
import { ConfigError, DEFAULT_MAPPING, validateConfig } from '../../../src/config/index.js';

/** The problems a mapping is refused with (path and message). */
function problemsOf(mapping: unknown[]): Array<{ path: string; message: string }> {
  try {
    validateConfig({ mapping });
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return ((error as ConfigError).data?.problems ?? []).map(({ path, message }) => ({ path, message }));
  }
  return expect.fail('expected the mapping to be refused');
}

describe('config: when a rule applies, and constants', () => {
  it('"on" defaults to always; "create" and "update" are kept', () => {
    const config = validateConfig({
      mapping: [
        { partnerCenter: 'name', salesforce: 'Name' },
        { partnerCenter: 'details.notes', salesforce: 'Description', on: 'create' },
        { partnerCenter: 'details.dealValue', salesforce: 'Amount', on: 'update' },
      ],
    });
    expect(config.mapping.map((rule) => rule.on)).to.deep.equal(['always', 'create', 'update']);
  });

  it('"on": "sometimes" is refused, naming the key and the allowed values', () => {
    expect(problemsOf([{ partnerCenter: 'name', salesforce: 'Name', on: 'sometimes' }])).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].on',
        message: '"sometimes" is not allowed; use one of: create, update, always',
      },
    ]);
  });

  it('a constant with only a Salesforce field is set on Opportunities; with only a path it is sent', () => {
    const config = validateConfig({
      mapping: [
        { salesforce: 'Type', value: 'New Customer', on: 'create' },
        { partnerCenter: 'campaignId', value: 'CAMP-7', on: 'create' },
      ],
    });
    expect(config.mapping[0]).to.deep.include({ salesforce: 'Type', value: 'New Customer', direction: 'inbound' });
    expect(config.mapping[0]).not.to.have.property('partnerCenter');
    expect(config.mapping[1]).to.deep.include({ partnerCenter: 'campaignId', value: 'CAMP-7', direction: 'outbound' });
  });

  it('a rule names a source field or a constant, exactly one', () => {
    expect(problemsOf([{ partnerCenter: 'name', salesforce: 'Name', value: 'x' }])).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].value',
        message:
          'a rule takes its value from a field or from a constant "value", not both: for a constant, name only its target ("salesforce" to set it on Opportunities, "partnerCenter" to send it to Partner Center)',
      },
    ]);
    expect(problemsOf([{ value: 'x' }])).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].value',
        message: 'a constant needs a target: "salesforce" to set it on Opportunities, or "partnerCenter" to send it',
      },
    ]);
    expect(problemsOf([{ salesforce: 'Name' }])).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].partnerCenter',
        message: 'is required (or, for a constant, give "value" and only "salesforce")',
      },
    ]);
  });

  it('a constant goes the one way its target says, and takes no value map, transform or default', () => {
    expect(problemsOf([{ salesforce: 'Type', value: 'New Customer', direction: 'both' }])).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].direction',
        message: '"both" is not allowed for this constant; it goes "inbound" only',
      },
    ]);
    expect(problemsOf([{ salesforce: 'Type', value: 'New Customer', default: 'x', transform: 'date' }])).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].transform',
        message: 'does not apply to a constant "value"; write the value as it should be',
      },
      {
        path: 'plugins.pcsync.mapping[0].default',
        message: 'does not apply to a constant "value"; write the value as it should be',
      },
    ]);
  });

  it('a constant sent to Partner Center has the type of its path, and is a single value', () => {
    expect(
      problemsOf([{ partnerCenter: 'consent.consentToShareReferralWithMicrosoftSellers', value: 'yes' }])
    ).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].value',
        message:
          '"yes" is a string, but Partner Center\'s "consent.consentToShareReferralWithMicrosoftSellers" takes a boolean',
      },
    ]);
    expect(problemsOf([{ partnerCenter: 'details.requirements.solutions[].id', value: 'SOL-1' }])).to.deep.equal([
      {
        path: 'plugins.pcsync.mapping[0].value',
        message: '"details.requirements.solutions[].id" is a list; a constant can only fill a single value',
      },
    ]);
  });

  it('a constant counts as the one rule writing its target', () => {
    const problems = problemsOf([
      { partnerCenter: 'details.notes', salesforce: 'Description' },
      { salesforce: 'Description', value: 'From Partner Center', on: 'create' },
      { partnerCenter: 'details.notes', value: 'Hello', on: 'create' },
    ]);
    expect(problems.map((problem) => problem.path)).to.deep.equal([
      'plugins.pcsync.mapping[1].salesforce',
      'plugins.pcsync.mapping[2].partnerCenter',
    ]);
  });

  it('the shipped mapping sets LeadSource "Partner Referral" when it creates an Opportunity, only then', () => {
    const leadSource = DEFAULT_MAPPING.find((rule) => rule.salesforce === 'LeadSource');
    expect(leadSource).to.deep.include({ value: 'Partner Referral', direction: 'inbound', on: 'create' });
    expect(validateConfig({ mapping: DEFAULT_MAPPING }).mapping).to.deep.equal(DEFAULT_MAPPING);
  });
});
