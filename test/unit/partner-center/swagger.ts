/**
 * Validators built from Microsoft's connector swagger (a copy of reference/partner-center-referrals.swagger.json).
 * Every object schema is closed (additionalProperties: false) so a field the swagger does not know fails too; the
 * Referral also has the fields only Learn documents (the emulator's LEARN_ONLY_REFERRAL_PROPERTIES).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { LEARN_ONLY_REFERRAL_PROPERTIES } from '../../../emulators/partner-center/contract.js';

type Schema = Record<string, unknown>;
type Swagger = {
  definitions: Record<string, Schema>;
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Array<{ in: string; schema?: Schema }>; responses: Record<string, { schema?: Schema }> }
    >
  >;
};

const swagger = JSON.parse(
  readFileSync(new URL('../../fixtures/partner-center-referrals.swagger.json', import.meta.url), 'utf8')
) as Swagger;
const REFERRAL = 'Microsoft.Partner.Service.PartnerReferrals.Contracts.V3.Referral';

function close(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(close);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, close(v)]))
        : close(value);
  }
  if (out.properties && out.type === 'object' && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['float', 'double', 'int32', 'int64']) ajv.addFormat(format, true);

// What only Learn's pages document (create-a-referral's services co-sell fields), as the emulator's contract states it.
const referralDefinition = swagger.definitions[REFERRAL];
const documented = {
  ...swagger.definitions,
  [REFERRAL]: {
    ...referralDefinition,
    properties: { ...(referralDefinition.properties as Schema), ...LEARN_ONLY_REFERRAL_PROPERTIES },
  },
};
const definitions = close(documented) as Record<string, Schema>;

function compile(schema: Schema): ValidateFunction {
  return ajv.compile({ ...(close(schema) as Schema), definitions });
}

const op = (path: string, method: string): Swagger['paths'][string][string] => swagger.paths[path][method];

// The connector's list schema omits @odata.nextLink, which the referral list docs (§2.3) show and paging needs.
const listSchema = op('/referrals', 'get').responses['200'].schema!;
const listWithNextLink = {
  ...listSchema,
  properties: { ...(listSchema.properties as Schema), '@odata.nextLink': { type: 'string' } },
};

export const validators = {
  referral: compile({ $ref: `#/definitions/${REFERRAL}` }),
  createBody: compile(op('/referrals', 'post').parameters!.find((p) => p.in === 'body')!.schema!),
  patchBody: compile(op('/referrals/{id}', 'patch').parameters!.find((p) => p.in === 'body')!.schema!),
  listResponse: compile(listWithNextLink),
  getResponse: compile(op('/referrals/{id}', 'get').responses['200'].schema!),
  createResponse: compile(op('/referrals', 'post').responses['200'].schema!),
};

/** Throws with ajv's errors (paths and keywords only, no values) when `data` does not fit. */
export function assertValid(name: keyof typeof validators, data: unknown): void {
  const validate = validators[name];
  if (!validate(data)) {
    throw new Error(`${name} does not match the swagger: ${ajv.errorsText(validate.errors, { dataVar: name })}`);
  }
}
