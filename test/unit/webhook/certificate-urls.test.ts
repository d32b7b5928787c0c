/**
 * Certificate URLs: one spelling per certificate (no query, no fragment, RFC 3986's normal percent-encoding, dot
 * segments resolved) before the allow-lists, which compare parsed origins and path prefixes.
 */
import { expect } from 'chai';
import {
  certificateUrlMatcher,
  DEFAULT_CERTIFICATE_URL_ALLOW_LIST,
  DEFAULT_ISSUER_URL_ALLOW_LIST,
  DOCUMENTED_CERTIFICATE_URL,
  issuerUrlMatcher,
  normaliseCertificateUrl,
} from '../../../src/webhook/index.js';

describe('webhook certificate URL allow-list', () => {
  const match = certificateUrlMatcher(DEFAULT_CERTIFICATE_URL_ALLOW_LIST);

  it('allows the documented URL', () => {
    expect(match(DOCUMENTED_CERTIFICATE_URL)).to.equal(DOCUMENTED_CERTIFICATE_URL);
  });

  for (const candidate of [
    'http://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer',
    'https://3psostorageacct.blob.core.windows.net.evil.com/cert/pcnotifications-dispatch.microsoft.com.cer',
    'https://3psostorageacct.blob.core.windows.net@evil.com/cert/x.cer',
    'https://user:pw@3psostorageacct.blob.core.windows.net/cert/x.cer',
    'https://3psostorageacct.blob.core.windows.net:8443/cert/x.cer',
    'https://3psostorageacct.blob.core.windows.net./cert/x.cer',
    'https://3psostorageacct.blob.core.windows.net/cert/../other/x.cer',
    'https://3psostorageacct.blob.core.windows.net/cert/%2e%2e/other/x.cer',
    'https://3psostorageacct.blob.core.windows.net/cert/%2E%2E/other/x.cer',
    'https://3psostorageacct.blob.core.windows.net/certificates/x.cer',
    'https://evil.com/3psostorageacct.blob.core.windows.net/cert/x.cer',
    'https://xn--3psostorageacct-abc.blob.core.windows.net/cert/x.cer',
    `${DOCUMENTED_CERTIFICATE_URL}?sv=2020&sig=abc`,
    `${DOCUMENTED_CERTIFICATE_URL}?`,
    'file:///cert/x.cer',
    'not a url',
  ]) {
    it(`refuses ${candidate}`, () => {
      expect(match(candidate)).to.equal(undefined);
    });
  }

  it('gives every spelling of the documented URL one normal form (the cache key and what is fetched)', () => {
    for (const spelling of [
      `${DOCUMENTED_CERTIFICATE_URL}#fragment`,
      `${DOCUMENTED_CERTIFICATE_URL}#`,
      'HTTPS://3PSOSTORAGEACCT.blob.core.windows.net:443/cert/pcnotifications-dispatch.microsoft.com.cer',
      'https://3psostorageacct.blob.core.windows.net/cert/%70cnotifications-dispatch%2Emicrosoft.com.cer',
      'https://3psostorageacct.blob.core.windows.net/cert/x/../pcnotifications-dispatch.microsoft.com.cer',
      'https://3psostorageacct.blob.core.windows.net/cert/./pcnotifications-dispatch.microsoft.com.cer',
    ]) {
      expect(match(spelling), spelling).to.equal(DOCUMENTED_CERTIFICATE_URL);
    }
  });

  it('keeps reserved characters encoded, in upper-case hex', () => {
    expect(normaliseCertificateUrl('https://h.example/cert/a%2fb%3f.cer')?.href).to.equal(
      'https://h.example/cert/a%2Fb%3F.cer'
    );
  });

  it('matches an entry without a trailing slash only at a path boundary', () => {
    const exact = certificateUrlMatcher(['https://127.0.0.1:8443/certs']);
    expect(exact('https://127.0.0.1:8443/certs/a.cer')).to.not.equal(undefined);
    expect(exact('https://127.0.0.1:8443/certs-evil/a.cer')).to.equal(undefined);
  });

  it('refuses an http, credentialed or query-carrying allow-list entry at construction', () => {
    expect(() => certificateUrlMatcher(['http://3psostorageacct.blob.core.windows.net/cert/'])).to.throw(TypeError);
    expect(() => certificateUrlMatcher(['https://u:p@host/cert/'])).to.throw(TypeError);
    expect(() => certificateUrlMatcher(['https://host/cert/?a=1'])).to.throw(TypeError);
    expect(() => certificateUrlMatcher([])).to.throw(TypeError);
  });
});

describe('webhook issuer (AIA caIssuers) URL allow-list', () => {
  const match = issuerUrlMatcher(DEFAULT_ISSUER_URL_ALLOW_LIST);

  it("follows Microsoft's PKI repository over http and https", () => {
    for (const url of [
      'http://www.microsoft.com/pkiops/certs/Microsoft%20Azure%20RSA%20TLS%20Issuing%20CA%2004%20-%20xsign.crt',
      'https://www.microsoft.com/pki/certs/Microsoft%20Azure%20ECC%20TLS%20Issuing%20CA%2002.cer',
      'http://crl.microsoft.com/pki/mscorp/Microsoft%20IT%20TLS%20CA%204.crt',
    ]) {
      expect(match(url), url).to.equal(url);
    }
  });

  for (const candidate of [
    'http://www.microsoft.com/en-us/certs/x.crt',
    'http://www.microsoft.com.evil.com/pkiops/certs/x.crt',
    'http://cacerts.example.com/pkiops/certs/x.crt',
    'http://www.microsoft.com/pkiops/certs/x.crt?download=1',
    'ldap://www.microsoft.com/pkiops/certs/x.crt',
  ]) {
    it(`does not follow ${candidate}`, () => {
      expect(match(candidate)).to.equal(undefined);
    });
  }

  it('takes an added entry (an emulator) beside the defaults', () => {
    const withEmulator = issuerUrlMatcher([...DEFAULT_ISSUER_URL_ALLOW_LIST, 'https://127.0.0.1:8443/pki/']);
    expect(withEmulator('https://127.0.0.1:8443/pki/issuing.crt')).to.equal('https://127.0.0.1:8443/pki/issuing.crt');
    expect(() => issuerUrlMatcher(['ftp://host/pki/'])).to.throw(TypeError);
  });
});
