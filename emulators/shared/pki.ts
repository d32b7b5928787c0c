/**
 * Certificates for the emulators and the tests. Node's crypto cannot issue certificates, so @peculiar/x509 does the
 * X.509 part over WebCrypto. One builder makes any chain (root → intermediate → leaf or shorter) with chosen subject
 * and issuer names, RSA or ECDSA keys, basicConstraints, keyUsage, extendedKeyUsage, subjectAltName and an AIA
 * caIssuers URL, and hands back PEM and DER.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import './reflect-shim.js';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

export type KeySpec = { type: 'rsa'; modulusLength?: 2048 | 3072 | 4096 } | { type: 'ecdsa'; curve?: EcCurve };
type EcCurve = 'P-256' | 'P-384' | 'P-521';

/** A key pair; pass it to several certificates to give them one key. */
export type KeyMaterial = {
  spec: KeySpec;
  keys: webcrypto.CryptoKeyPair;
  /** PKCS#8 PEM, what node:crypto's sign() takes. */
  privateKeyPem: string;
};

export type KeyUsage = keyof typeof x509.KeyUsageFlags;
export type ExtendedKeyUsage = keyof typeof x509.ExtendedKeyUsage;
export type AltName = { type: 'dns' | 'ip' | 'url' | 'email'; value: string };

export type CertificateSpec = {
  /** Distinguished name, e.g. `CN=pcnotifications-dispatch.microsoft.com, O=Microsoft Corporation, C=US`. */
  subject: string;
  /** The certificate whose key signs this one; absent: self-signed. */
  issuer?: IssuedCertificate;
  /** The issuer name written into the certificate (default: the issuer's subject); lets a test forge one. */
  issuerName?: string;
  /** A new key of this kind (default RSA 2048), or an existing key. */
  key?: KeySpec | KeyMaterial;
  /** Hex; default 8 random bytes. */
  serialNumber?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Omitted: no basicConstraints extension. Critical unless said otherwise. */
  basicConstraints?: { ca: boolean; pathLength?: number; critical?: boolean };
  /** Omitted or empty: no keyUsage extension. Critical. */
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: ExtendedKeyUsage[];
  subjectAltNames?: AltName[];
  /** AIA caIssuers: where a verifier can fetch the issuer's certificate. */
  caIssuersUrl?: string;
  /** Subject key identifier, and the authority key identifier when issued by another certificate (default true). */
  keyIdentifiers?: boolean;
};

export type IssuedCertificate = {
  subject: string;
  issuer: string;
  pem: string;
  der: Buffer;
  key: KeyMaterial;
  certificate: x509.X509Certificate;
};

const HOUR = 60 * 60 * 1000;
const EC_HASH: Record<EcCurve, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

function algorithm(spec: KeySpec): RsaHashedKeyGenParams | EcKeyGenParams {
  return spec.type === 'rsa'
    ? {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: spec.modulusLength ?? 2048,
      }
    : { name: 'ECDSA', namedCurve: spec.curve ?? 'P-256' };
}

/** The signature algorithm a key signs with: RSA PKCS#1 v1.5 with SHA-256, or ECDSA with its curve's hash. */
function signingAlgorithm(spec: KeySpec): Algorithm & { hash: string } {
  return spec.type === 'rsa'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    : { name: 'ECDSA', hash: EC_HASH[spec.curve ?? 'P-256'] };
}

export async function createKey(spec: KeySpec = { type: 'rsa' }): Promise<KeyMaterial> {
  const keys = await webcrypto.subtle.generateKey(algorithm(spec), true, ['sign', 'verify']);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { spec, keys, privateKeyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

async function extensions(spec: CertificateSpec, key: KeyMaterial): Promise<x509.Extension[]> {
  const list: x509.Extension[] = [];
  const { basicConstraints: bc, keyUsage, extendedKeyUsage, subjectAltNames, caIssuersUrl } = spec;
  if (bc) list.push(new x509.BasicConstraintsExtension(bc.ca, bc.pathLength, bc.critical ?? true));
  if (keyUsage?.length) {
    const flags = keyUsage.reduce((all, usage) => all | x509.KeyUsageFlags[usage], 0);
    list.push(new x509.KeyUsagesExtension(flags, true));
  }
  if (extendedKeyUsage?.length) {
    list.push(new x509.ExtendedKeyUsageExtension(extendedKeyUsage.map((usage) => x509.ExtendedKeyUsage[usage])));
  }
  if (subjectAltNames?.length) list.push(new x509.SubjectAlternativeNameExtension(subjectAltNames));
  if (spec.keyIdentifiers ?? true) {
    list.push(await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey as never));
    if (spec.issuer) {
      list.push(await x509.AuthorityKeyIdentifierExtension.create(spec.issuer.key.keys.publicKey as never));
    }
  }
  if (caIssuersUrl) list.push(new x509.AuthorityInfoAccessExtension({ caIssuers: [caIssuersUrl] }));
  return list;
}

function serial(): string {
  const bytes = randomBytes(8);
  bytes[0] &= 0x7f; // a positive INTEGER
  return bytes.toString('hex');
}

export async function issueCertificate(spec: CertificateSpec): Promise<IssuedCertificate> {
  const key = spec.key && 'keys' in spec.key ? spec.key : await createKey(spec.key);
  const signer = spec.issuer?.key ?? key;
  const issuerName = spec.issuerName ?? spec.issuer?.subject ?? spec.subject;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serialNumber ?? serial(),
    subject: spec.subject,
    issuer: issuerName,
    notBefore: spec.notBefore ?? new Date(now - HOUR),
    notAfter: spec.notAfter ?? new Date(now + 365 * 24 * HOUR),
    signingAlgorithm: signingAlgorithm(signer.spec),
    publicKey: key.keys.publicKey as never,
    signingKey: signer.keys.privateKey as never,
    extensions: await extensions(spec, key),
  });
  return {
    subject: spec.subject,
    issuer: issuerName,
    pem: certificate.toString('pem'),
    der: Buffer.from(certificate.rawData),
    key,
    certificate,
  };
}

type LinkSpec = Omit<CertificateSpec, 'issuer'>;

export type ChainSpec = { root: LinkSpec; intermediate?: LinkSpec; leaf: LinkSpec };

export type Chain = {
  root: IssuedCertificate;
  intermediate?: IssuedCertificate;
  leaf: IssuedCertificate;
  /** The leaf, then the intermediate: what a server or a certificate file sends (the root is the verifier's). */
  bundlePem: string;
};

/**
 * root → (intermediate →) leaf. Unless the spec says otherwise, the CAs get basicConstraints CA (pathLength 0 on the
 * intermediate) and keyCertSign + cRLSign, and the leaf gets basicConstraints end-entity and digitalSignature.
 */
export async function createChain(spec: ChainSpec): Promise<Chain> {
  const ca = (pathLength?: number): Partial<LinkSpec> => ({
    basicConstraints: { ca: true, pathLength },
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const root = await issueCertificate({ ...ca(), ...spec.root });
  const intermediate = spec.intermediate
    ? await issueCertificate({ ...ca(0), ...spec.intermediate, issuer: root })
    : undefined;
  const leaf = await issueCertificate({
    basicConstraints: { ca: false },
    keyUsage: ['digitalSignature'],
    ...spec.leaf,
    issuer: intermediate ?? root,
  });
  return { root, intermediate, leaf, bundlePem: [leaf.pem, intermediate?.pem].filter(Boolean).join('\n') + '\n' };
}
