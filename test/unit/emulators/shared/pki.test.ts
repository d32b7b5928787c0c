import { sign, verify, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
// Before @peculiar/x509, which reads these tests' extensions (as pki.ts imports it).
import '../../../../emulators/shared/reflect-shim.js';
import * as x509 from '@peculiar/x509';
import { createChain, createKey, issueCertificate } from '../../../../emulators/shared/pki.js';

const MICROSOFT = 'CN=pcnotifications-dispatch.microsoft.com, O=Microsoft Corporation, L=Redmond, ST=WA, C=US';

/** Node's view of a certificate, read from DER (what a verifier fetches from a `.cer`). */
const node = (der: Buffer): X509Certificate => new X509Certificate(der);
const peculiar = (der: Buffer): x509.X509Certificate => new x509.X509Certificate(new Uint8Array(der));

function basicConstraints(der: Buffer): { ca: boolean; pathLength?: number } | undefined {
  const ext = peculiar(der).getExtension(x509.BasicConstraintsExtension);
  return ext ? { ca: ext.ca, pathLength: ext.pathLength } : undefined;
}

function keyUsage(der: Buffer): number | undefined {
  return peculiar(der).getExtension(x509.KeyUsagesExtension)?.usages;
}

describe('emulators/shared certificate builder', () => {
  it('builds root → intermediate → leaf with RSA keys: names, constraints, key usage, AIA, PEM and DER', async () => {
    const chain = await createChain({
      root: { subject: 'CN=Test Root, O=Microsoft Corporation, C=US' },
      intermediate: { subject: 'CN=Test Issuing CA 01, O=Microsoft Corporation, C=US' },
      leaf: { subject: MICROSOFT, caIssuersUrl: 'http://127.0.0.1:1/certs/issuing-ca.crt' },
    });
    const [root, intermediate, leaf] = [chain.root, chain.intermediate!, chain.leaf].map((c) => node(c.der));

    expect(leaf.subject).to.include('O=Microsoft Corporation').and.include('CN=pcnotifications-dispatch');
    expect(leaf.issuer).to.include('CN=Test Issuing CA 01');
    expect(intermediate.issuer).to.include('CN=Test Root');
    expect(leaf.checkIssued(intermediate) && leaf.verify(intermediate.publicKey)).to.equal(true);
    expect(intermediate.checkIssued(root) && intermediate.verify(root.publicKey)).to.equal(true);
    expect(root.verify(root.publicKey)).to.equal(true);
    expect(leaf.verify(root.publicKey), 'the leaf is not signed by the root').to.equal(false);

    expect([root.ca, intermediate.ca, leaf.ca]).to.deep.equal([true, true, false]);
    expect(basicConstraints(chain.intermediate!.der)).to.deep.equal({ ca: true, pathLength: 0 });
    const caUsage = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
    expect([keyUsage(chain.root.der), keyUsage(chain.intermediate!.der)]).to.deep.equal([caUsage, caUsage]);
    expect(keyUsage(chain.leaf.der)).to.equal(x509.KeyUsageFlags.digitalSignature);
    expect(leaf.infoAccess).to.include('CA Issuers - URI:http://127.0.0.1:1/certs/issuing-ca.crt');
    expect(intermediate.infoAccess).to.equal(undefined);

    expect(node(Buffer.from(chain.leaf.pem)).fingerprint256).to.equal(leaf.fingerprint256);
    expect(chain.bundlePem.indexOf(chain.leaf.pem)).to.equal(0);
    expect(chain.bundlePem).to.include(chain.intermediate!.pem).and.not.include(chain.root.pem);

    const body = Buffer.from('{"EventName":"referral-updated"}');
    const signature = sign('sha256', body, chain.leaf.key.privateKeyPem);
    expect(verify('sha256', body, leaf.publicKey, signature)).to.equal(true);
  });

  it('builds ECDSA chains, and mixes key types (an RSA root over an ECDSA leaf)', async () => {
    const ec = await createChain({
      root: { subject: 'CN=EC Root', key: { type: 'ecdsa', curve: 'P-384' } },
      intermediate: { subject: 'CN=EC Issuing', key: { type: 'ecdsa', curve: 'P-384' } },
      leaf: { subject: 'CN=EC Leaf', key: { type: 'ecdsa' } },
    });
    const [root, intermediate, leaf] = [ec.root, ec.intermediate!, ec.leaf].map((c) => node(c.der));
    expect(leaf.publicKey.asymmetricKeyType).to.equal('ec');
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');
    expect(intermediate.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('secp384r1');
    expect(leaf.verify(intermediate.publicKey) && intermediate.verify(root.publicKey)).to.equal(true);
    const body = Buffer.from('signed by an EC key');
    expect(verify('sha256', body, leaf.publicKey, sign('sha256', body, ec.leaf.key.privateKeyPem))).to.equal(true);

    const mixed = await createChain({
      root: { subject: 'CN=RSA Root' },
      leaf: { subject: 'CN=EC Leaf', key: ec.leaf.key },
    });
    expect(node(mixed.leaf.der).publicKey.asymmetricKeyType).to.equal('ec');
    expect(node(mixed.root.der).publicKey.asymmetricKeyType).to.equal('rsa');
    expect(node(mixed.leaf.der).verify(node(mixed.root.der).publicKey)).to.equal(true);
    expect(mixed.intermediate).to.equal(undefined);
    expect(mixed.bundlePem).to.equal(`${mixed.leaf.pem}\n`);
  });

  it('writes any issuer name, any constraints and usages the caller asks for, and reuses a given key', async () => {
    const root = await issueCertificate({ subject: 'CN=Real Root', key: { type: 'ecdsa' } });
    const key = await createKey({ type: 'ecdsa' });
    const forged = await issueCertificate({
      subject: 'CN=Leaf',
      issuer: root,
      issuerName: 'CN=Microsoft RSA TLS CA 01, O=Microsoft Corporation, C=US',
      key,
      basicConstraints: { ca: true, pathLength: 3, critical: false },
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
      subjectAltNames: [{ type: 'dns', value: 'localhost' }],
      serialNumber: '0a1b',
    });
    const cert = node(forged.der);
    expect(cert.issuer).to.include('CN=Microsoft RSA TLS CA 01').and.include('O=Microsoft Corporation');
    expect(cert.checkIssued(node(root.der)), 'the name no longer matches the signer').to.equal(false);
    expect(cert.verify(node(root.der).publicKey), 'but the signer still signed it').to.equal(true);
    expect(basicConstraints(forged.der)).to.deep.equal({ ca: true, pathLength: 3 });
    expect(keyUsage(forged.der)).to.equal(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(cert.keyUsage).to.have.members(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(cert.subjectAltName).to.equal('DNS:localhost');
    expect(cert.serialNumber.toLowerCase()).to.equal('0a1b');
    expect(forged.key).to.equal(key);
    expect(cert.publicKey.equals(node((await issueCertificate({ subject: 'CN=Again', key })).der).publicKey)).to.equal(
      true
    );

    const bare = await issueCertificate({ subject: 'CN=Bare', keyIdentifiers: false });
    expect(peculiar(bare.der).extensions).to.have.length(0);
  });
});
