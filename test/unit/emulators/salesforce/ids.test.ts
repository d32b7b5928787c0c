import { expect } from 'chai';
import { caseSafeSuffix, isValidId, to18 } from '../../../../emulators/salesforce/index.js';

describe('Salesforce emulator: Ids', () => {
  it('computes the case-safe suffix of a 15-character Id', () => {
    expect(caseSafeSuffix('001A0000006Vm9r')).to.equal('IAC');
    expect(to18('001A0000006Vm9r')).to.equal('001A0000006Vm9rIAC');
    expect(caseSafeSuffix('000000000000000')).to.equal('AAA');
    expect(caseSafeSuffix('ZZZZZZZZZZZZZZZ')).to.equal('555');
  });

  it('accepts 15- and 18-character Ids with a matching suffix only', () => {
    expect(isValidId('001A0000006Vm9r')).to.equal(true);
    expect(isValidId('001A0000006Vm9rIAC')).to.equal(true);
    expect(isValidId('001A0000006Vm9riac')).to.equal(true);
    expect(isValidId('001A0000006Vm9rAAA')).to.equal(false);
    expect(isValidId('001A0000006Vm9')).to.equal(false);
    expect(isValidId('001A0000006Vm9r!')).to.equal(false);
  });
});
