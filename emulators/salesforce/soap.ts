/**
 * The SOAP Metadata API calls `sf project deploy start` makes without `SF_ORG_METADATA_REST_DEPLOY=true`:
 * `deploy` (base64 zip) and `checkDeployStatus`. The token travels as `<sessionId>`, not in a header.
 */
import { XMLParser } from 'fast-xml-parser';
import type { DeployService } from './deploy.js';
import { NOT_MODELLED } from './errors.js';
import type { Reply } from './http.js';
import { asText } from './text.js';

const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true });

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `{a: 1, b: [x, y], c: null}` → `<a>1</a><b>x</b><b>y</b>` (nulls omitted, as the SOAP API does). */
export function toXml(name: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escape(asText(value))}</${name}>`;
}

function envelope(body: string): Reply {
  return {
    status: 200,
    contentType: 'text/xml; charset=utf-8',
    raw: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
  };
}

export function soapFault(code: string, message: string): Reply {
  return {
    status: 500,
    contentType: 'text/xml; charset=utf-8',
    raw:
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata">' +
      `<soapenv:Body><soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${escape(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
  };
}

type Node = Record<string, unknown>;

function child(node: unknown, name: string): Node | undefined {
  const value = node && typeof node === 'object' ? (node as Node)[name] : undefined;
  return value && typeof value === 'object' ? (value as Node) : undefined;
}

function text(node: unknown, name: string): string | undefined {
  const value = node && typeof node === 'object' ? (node as Node)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Parses a Metadata API SOAP request; returns the session id and the operation. */
export function parseSoap(body: string): {
  sessionId: string | undefined;
  operation: string | undefined;
  payload: Node | undefined;
} {
  let parsed: unknown;
  try {
    parsed = parser.parse(body);
  } catch {
    return { sessionId: undefined, operation: undefined, payload: undefined };
  }
  const env = child(parsed, 'Envelope');
  const sessionId = text(child(child(env, 'Header'), 'SessionHeader'), 'sessionId');
  const soapBody = child(env, 'Body');
  const operation = soapBody ? Object.keys(soapBody)[0] : undefined;
  return { sessionId, operation, payload: operation ? (child(soapBody, operation) ?? {}) : undefined };
}

export async function handleSoap(
  deploys: DeployService,
  version: string,
  operation: string,
  payload: Node
): Promise<Reply> {
  if (operation === 'deploy') {
    const zip = text(payload, 'ZipFile');
    if (!zip) return soapFault('INVALID_CROSS_REFERENCE_KEY', 'ZipFile is required');
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(child(payload, 'DeployOptions') ?? {})) {
      options[key] = value === 'true' ? true : value === 'false' ? false : value;
    }
    try {
      const record = await deploys.begin(Buffer.from(zip, 'base64'), options);
      return envelope(
        `<deployResponse>${toXml('result', { done: false, id: record.id, state: 'Queued' })}</deployResponse>`
      );
    } catch (error) {
      return soapFault('INVALID_ZIP', (error as Error).message);
    }
  }
  if (operation === 'checkDeployStatus') {
    const id = text(payload, 'asyncProcessId') ?? '';
    const record = deploys.find(id);
    if (!record) return soapFault('INVALID_ID_FIELD', `invalid id: ${id}`);
    const includeDetails = text(payload, 'includeDetails') === 'true';
    const { deployResult } = deploys.result(record, version, includeDetails) as { deployResult: Node };
    return envelope(`<checkDeployStatusResponse>${toXml('result', deployResult)}</checkDeployStatusResponse>`);
  }
  // `sf project retrieve start` lands here (retrieve, checkRetrieveStatus): say so, not something a real org would say.
  return soapFault(
    NOT_MODELLED,
    `The Salesforce emulator does not model the Metadata API call '${operation}': ` +
      'only deploy and checkDeployStatus (retrieve is not modelled)'
  );
}
