/**
 * The emulator's PKI, generated at start: a root CA, a TLS server certificate for 127.0.0.1/localhost, and the
 * webhook signing leaf with `O=Microsoft Corporation` (as Partner Center's pcnotifications-dispatch certificate has).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueCertificate, type CertificateSpec, type IssuedCertificate } from '../shared/pki.js';

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

async function generate(): Promise<Material> {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  const ca = await issueCertificate({
    serialNumber: '01',
    subject: 'CN=Partner Center Emulator Root CA, O=Microsoft Corporation, C=US',
    notBefore,
    notAfter,
    basicConstraints: { ca: true, pathLength: 1 },
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const leaf = (spec: CertificateSpec): Promise<IssuedCertificate> =>
    issueCertificate({ issuer: ca, notBefore, notAfter, basicConstraints: { ca: false }, ...spec });
  const [server, signing] = await Promise.all([
    leaf({
      serialNumber: '02',
      subject: 'CN=127.0.0.1, O=Partner Center Emulator',
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: [
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ],
    }),
    leaf({
      serialNumber: '03',
      subject: 'CN=pcnotifications-dispatch.microsoft.com, O=Microsoft Corporation, L=Redmond, ST=WA, C=US',
      keyUsage: ['digitalSignature'],
    }),
  ]);
  return {
    caCertPem: ca.pem,
    serverCertPem: server.pem,
    serverKeyPem: server.key.privateKeyPem,
    signingCertPem: signing.pem,
    signingCertDer: signing.der,
    signingKeyPem: signing.key.privateKeyPem,
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
