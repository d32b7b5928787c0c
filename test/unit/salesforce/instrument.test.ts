import { expect } from 'chai';
import { endpointOf } from '../../../src/salesforce/instrument.js';
import { Traffic } from '../../../src/shared/traffic.js';

describe('salesforce: the connection instrumentation', () => {
  it('names each endpoint once, whatever its ids', () => {
    const v = '/services/data/v64.0';
    expect(endpointOf('get', `${v}/query?q=SELECT+Id+FROM+Account`)).to.equal('GET /query');
    expect(endpointOf('GET', `${v}/query/01gD0000002HU6KIAW-2000`)).to.equal('GET /query/{cursor}');
    expect(endpointOf('GET', `${v}/sobjects/Opportunity/describe`)).to.equal('GET /sobjects/{type}/describe');
    expect(endpointOf('PATCH', `${v}/sobjects/Opportunity/006000000000001AAA`)).to.equal('PATCH /sobjects/{type}/{id}');
    expect(endpointOf('PATCH', `${v}/sobjects/Opportunity/Referral_Identifier__c/abc`)).to.equal(
      'PATCH /sobjects/{type}/{field}/abc'
    );
    expect(endpointOf('POST', `http://127.0.0.1:1234${v}/composite/sobjects`)).to.equal('POST /composite/sobjects');
    expect(endpointOf('PATCH', `${v}/composite/sobjects/Opportunity/Referral_Identifier__c`)).to.equal(
      'PATCH /composite/sobjects/{type}/{field}'
    );
    expect(endpointOf('PUT', `${v}/jobs/ingest/7500000000000AAAAA/batches`)).to.equal('PUT /jobs/ingest/{job}/batches');
    expect(endpointOf('GET', `${v}/jobs/query/7500000000001AAAAA/results`)).to.equal('GET /jobs/query/{job}/results');
  });

  it('keeps the server clock from the Date header, and counts per system', () => {
    let local = Date.parse('2026-01-01T00:00:00Z');
    const traffic = new Traffic(() => local);
    traffic.record('salesforce', 'GET /query', 'Thu, 01 Jan 2026 00:00:05 GMT');
    local += 2000;
    expect(traffic.serverNow('salesforce')?.toISOString()).to.equal('2026-01-01T00:00:07.000Z');
    expect(traffic.skewMs('salesforce')).to.equal(5000);
    expect(traffic.serverNow('partner-center')).to.equal(undefined);
    const before = traffic.snapshot();
    traffic.record('salesforce', 'GET /query');
    traffic.record('partner-center', 'GET /referrals');
    expect(traffic.since(before)).to.deep.equal({
      salesforce: { 'GET /query': 1 },
      'partner-center': { 'GET /referrals': 1 },
    });
    expect(traffic.total()).to.equal(3);
  });
});
