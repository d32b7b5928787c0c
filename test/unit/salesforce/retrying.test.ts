import { expect } from 'chai';
import sinon from 'sinon';
import { retrying } from '../../../src/salesforce/results.js';

describe('salesforce: retrying reads', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  const failing = (errors: Array<{ errorCode?: string }>, value = 'rows') => {
    let calls = 0;
    const work = (): Promise<string> => {
      const error = errors[calls++];
      if (error) return Promise.reject(Object.assign(new Error(error.errorCode ?? 'socket hang up'), error));
      return Promise.resolve(value);
    };
    return { work, calls: () => calls };
  };

  it('asks again after no answer or an unavailable org, then returns the answer', async () => {
    const read = failing([{}, { errorCode: 'SERVER_UNAVAILABLE' }, { errorCode: 'ERROR_HTTP_503' }]);
    const result = retrying(read.work);
    await clock.runAllAsync();
    expect(await result).to.equal('rows');
    expect(read.calls()).to.equal(4);
  });

  it('fails at once on a refused request', async () => {
    const read = failing([{ errorCode: 'INVALID_FIELD' }]);
    const result = retrying(read.work).catch((error: Error) => error);
    await clock.runAllAsync();
    expect(((await result) as Error).message).to.equal('INVALID_FIELD');
    expect(read.calls()).to.equal(1);
  });

  it('gives up after three retries and throws the last failure', async () => {
    const read = failing(Array.from({ length: 10 }, () => ({ errorCode: 'SERVER_UNAVAILABLE' })));
    const result = retrying(read.work).catch((error: Error) => error);
    await clock.runAllAsync();
    expect(((await result) as Error).message).to.equal('SERVER_UNAVAILABLE');
    expect(read.calls()).to.equal(4);
  });
});
