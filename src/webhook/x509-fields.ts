/**
 * What node:crypto's X509Certificate does not expose, read from the certificate's DER (RFC 5280 §4.1–4.2): keyUsage,
 * basicConstraints' path length, AIA caIssuers URLs, and the organisation (O) attributes of the issuer and subject
 * names — read as values, not by searching a formatted string, so no value can smuggle in an `O=` of its own.
 */
import type { X509Certificate } from 'node:crypto';

export type CertificateFields = {
  /** Absent when the certificate has no keyUsage extension. */
  keyUsage?: { digitalSignature: boolean; keyCertSign: boolean };
  /** Absent when the certificate has no basicConstraints extension. */
  basicConstraints?: { ca: boolean; pathLength?: number };
  caIssuers: string[];
  issuerOrganizations: string[];
  subjectOrganizations: string[];
};

type Node = { tag: number; start: number; end: number };

const OID = {
  keyUsage: '551d0f', // 2.5.29.15
  basicConstraints: '551d13', // 2.5.29.19
  authorityInfoAccess: '2b06010505070101', // 1.3.6.1.5.5.7.1.1
  caIssuers: '2b06010505073002', // 1.3.6.1.5.5.7.48.2
  organizationName: '55040a', // 2.5.4.10
};

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  sequence: 0x30,
  version: 0xa0,
  extensions: 0xa3,
  uri: 0x86,
};

function read(der: Buffer, at: number, limit: number): Node {
  if (at + 2 > limit) throw new Error('Truncated DER.');
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error('Bad DER length.');
    length = der.readUIntBE(start, bytes);
    start += bytes;
  }
  if (start + length > limit) throw new Error('Truncated DER.');
  return { tag: der[at], start, end: start + length };
}

function children(der: Buffer, parent: Node): Node[] {
  const list: Node[] = [];
  for (let at = parent.start; at < parent.end; at = list[list.length - 1].end) list.push(read(der, at, parent.end));
  return list;
}

const hex = (der: Buffer, node: Node): string => der.subarray(node.start, node.end).toString('hex');

/** DirectoryString and friends: UTF8, Printable, Teletex (as latin1), IA5, BMP (UTF-16BE). */
function text(der: Buffer, node: Node): string {
  const bytes = der.subarray(node.start, node.end);
  if (node.tag === 0x1e) return Buffer.from(bytes).swap16().toString('utf16le');
  return bytes.toString(node.tag === 0x14 ? 'latin1' : 'utf8');
}

/** The values of one attribute type in a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
function attributeValues(der: Buffer, name: Node, oid: string): string[] {
  return children(der, name).flatMap((rdn) =>
    children(der, rdn).flatMap((pair) => {
      const [type, value] = children(der, pair);
      return type?.tag === TAG.oid && hex(der, type) === oid && value ? [text(der, value)] : [];
    })
  );
}

function keyUsage(der: Buffer, value: Node): CertificateFields['keyUsage'] {
  const bits = read(der, value.start, value.end);
  if (bits.tag !== TAG.bitString) throw new Error('Bad keyUsage.');
  const first = bits.end - bits.start > 1 ? der[bits.start + 1] : 0;
  return { digitalSignature: (first & 0x80) !== 0, keyCertSign: (first & 0x04) !== 0 };
}

function basicConstraints(der: Buffer, value: Node): CertificateFields['basicConstraints'] {
  const fields = children(der, read(der, value.start, value.end));
  const ca = fields.some((field) => field.tag === TAG.boolean && der[field.start] !== 0);
  const length = fields.find((field) => field.tag === TAG.integer);
  return length ? { ca, pathLength: der.readUIntBE(length.start, Math.min(6, length.end - length.start)) } : { ca };
}

function caIssuers(der: Buffer, value: Node): string[] {
  return children(der, read(der, value.start, value.end)).flatMap((description) => {
    const [method, location] = children(der, description);
    return hex(der, method) === OID.caIssuers && location?.tag === TAG.uri ? [text(der, location)] : [];
  });
}

function parse(der: Buffer): CertificateFields {
  const [tbs] = children(der, read(der, 0, der.length));
  const all = children(der, tbs);
  const fields = all[0]?.tag === TAG.version ? all.slice(1) : all;
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, then the optional [1] [2] [3].
  const [, , issuer, , subject] = fields;
  const result: CertificateFields = {
    caIssuers: [],
    issuerOrganizations: attributeValues(der, issuer, OID.organizationName),
    subjectOrganizations: attributeValues(der, subject, OID.organizationName),
  };
  const extensions = fields.find((field) => field.tag === TAG.extensions);
  const list = extensions ? children(der, read(der, extensions.start, extensions.end)) : [];
  for (const extension of list) {
    const parts = children(der, extension);
    const value = parts[parts.length - 1];
    if (value.tag !== TAG.octetString) throw new Error('Bad extension.');
    const id = hex(der, parts[0]);
    if (id === OID.keyUsage) result.keyUsage = keyUsage(der, value);
    else if (id === OID.basicConstraints) result.basicConstraints = basicConstraints(der, value);
    else if (id === OID.authorityInfoAccess) result.caIssuers = caIssuers(der, value);
  }
  return result;
}

const parsed = new WeakMap<X509Certificate, CertificateFields>();

/** The fields of a certificate node:crypto already parsed (so its DER is well-formed); throws on anything odd. */
export function certificateFields(certificate: X509Certificate): CertificateFields {
  let fields = parsed.get(certificate);
  if (!fields) {
    fields = parse(certificate.raw);
    parsed.set(certificate, fields);
  }
  return fields;
}
