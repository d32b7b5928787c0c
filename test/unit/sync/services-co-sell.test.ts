/** A services co-sell's fields (create-a-referral: partnerRole, solutionArea, solutionPlay), checked before sending. */
import { expect } from 'chai';
import { validateConfig } from '../../../src/config/index.js';
import { servicesCoSellProblem } from '../../../src/sync/outbound/services.js';

const mapping = [
  { partnerCenter: 'name', salesforce: 'Name' },
  { partnerCenter: 'partnerRole', salesforce: 'Partner_Role__c', direction: 'outbound' },
  { partnerCenter: 'solutionArea', salesforce: 'Solution_Area__c', direction: 'outbound' },
  { partnerCenter: 'solutionPlay', salesforce: 'Solution_Play__c', direction: 'outbound' },
];
const settings = (services: Record<string, unknown> = {}) => {
  const config = validateConfig({ mapping, coSell: { services } });
  return { services: config.coSell.services, rules: config.mapping };
};
const allowed = { partnerRole: ['RoleA', 'RoleB'], solutionArea: ['AreaA'], solutionPlay: ['PlayA', 'PlayB'] };
const full = { partnerRole: 'RoleA', solutionArea: 'AreaA', solutionPlay: 'PlayB' };

describe('sync: services co-sell fields', () => {
  it('a co-sell that sets none of them, with services not required, needs none', () => {
    const { services, rules } = settings({ allowed });
    expect(servicesCoSellProblem(services, rules, {}, true)).to.equal(undefined);
    expect(servicesCoSellProblem(services, rules, full, true)).to.equal(undefined);
  });

  it('a co-sell that sets one is a services co-sell: the others are named with their field and allowed values', () => {
    const { services, rules } = settings({ allowed });
    const problem = servicesCoSellProblem(services, rules, { partnerRole: 'RoleA' }, true);
    expect(problem).to.include('solutionArea').and.include('Solution_Area__c').and.include('AreaA');
    expect(problem).to.include('solutionPlay').and.include('Solution_Play__c').and.include('PlayA, PlayB');
    expect(problem).not.to.include('partnerRole');
  });

  it('always: every co-sell needs all three; a deal that is not a co-sell needs none', () => {
    const { services, rules } = settings({ always: true, allowed });
    expect(servicesCoSellProblem(services, rules, {}, true))
      .to.include('partnerRole')
      .and.include('RoleA, RoleB');
    expect(servicesCoSellProblem(services, rules, {}, false)).to.equal(undefined);
  });

  it('a value outside the configured list is refused on any deal, naming the value and what is allowed', () => {
    const { services, rules } = settings({ allowed });
    const problem = servicesCoSellProblem(services, rules, { ...full, solutionArea: 'Elsewhere' }, true);
    expect(problem).to.include('"Elsewhere"').and.include('Solution_Area__c').and.include('AreaA');
    expect(servicesCoSellProblem(services, rules, { solutionPlay: 'PlayC' }, false)).to.include('PlayA, PlayB');
  });

  it('without a configured list a value is not checked, and a missing one says so; an unmapped field says that', () => {
    const { services } = settings({ always: true });
    const problem = servicesCoSellProblem(services, [], { partnerRole: 'Anything' }, true);
    expect(problem).to.include('solutionArea').and.include('coSell.services.allowed').and.include('mapping rule');
    expect(problem).not.to.include('partnerRole');
  });

  it('the configuration refuses an unknown field in the allowed lists', () => {
    expect(() => validateConfig({ coSell: { services: { allowed: { partnerRoles: ['x'] } } } })).to.throw(
      /partnerRoles/
    );
  });
});
