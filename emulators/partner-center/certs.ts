/**
 * The emulator's PKI, generated at start: a root CA, a TLS server certificate for 127.0.0.1/localhost, and the
 * webhook signing leaf with `O=Microsoft Corporation` (as Partner Center's pcnotifications-dispatch certificate has).
 * Node's crypto cannot issue certificates, so @peculiar/x509 does the X.509 part over WebCrypto.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import './reflect-shim.js';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type KeyPair = webcrypto.CryptoKeyPair;

const ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export type EmulatorPki = {
  dir: string;
  caCertPem: string;
  caCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
  signingCertPem: string;
  signingCertDer: Buffer;
  signingKeyPem: string;
};

type Material = Omit<EmulatorPki, 'dir' | 'caCertPath'>;

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function generate(): Promise<Material> {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  const keyPair = (): Promise<KeyPair> => webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const [caKeys, serverKeys, signingKeys] = await Promise.all([keyPair(), keyPair(), keyPair()]);

  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Partner Center Emulator Root CA, O=Microsoft Corporation, C=US',
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as never),
    ],
  });
  const issue = async (
    serialNumber: string,
    subject: string,
    keys: KeyPair,
    extensions: x509.Extension[]
  ): Promise<x509.X509Certificate> =>
    x509.X509CertificateGenerator.create({
      serialNumber,
      subject,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ALG,
      publicKey: keys.publicKey as never,
      signingKey: caKeys.privateKey as never,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey as never),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
        ...extensions,
      ],
    });
  const server = await issue('02', 'CN=127.0.0.1, O=Partner Center Emulator', serverKeys, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ]),
  ]);
  const signing = await issue(
    '03',
    'CN=pcnotifications-dispatch.microsoft.com, O=Microsoft Corporation, L=Redmond, ST=WA, C=US',
    signingKeys,
    [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)]
  );
  return {
    caCertPem: ca.toString('pem'),
    serverCertPem: server.toString('pem'),
    serverKeyPem: await keyPem(serverKeys.privateKey),
    signingCertPem: signing.toString('pem'),
    signingCertDer: Buffer.from(signing.rawData),
    signingKeyPem: await keyPem(signingKeys.privateKey),
  };
}

// RSA key generation is the slow part of a start; emulators started by one process share one PKI.
let shared: Promise<Material> | undefined;

/** Generates (once per process) the PKI and writes the CA certificate to a fresh temp dir. */
export async function createPki(): Promise<EmulatorPki> {
  shared ??= generate();
  const material = await shared;
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-emulator-'));
  const caCertPath = path.join(dir, 'ca.pem');
  writeFileSync(caCertPath, material.caCertPem);
  writeFileSync(path.join(dir, 'pcnotifications-dispatch.cer'), material.signingCertDer);
  return { ...material, dir, caCertPath };
}
