/**
 * Checks a constant a rule sets on a Salesforce field against the org: a picklist's value must be one of its values
 * (an error on a restricted picklist, which refuses any other; a warning otherwise), and a lookup's value (an
 * `OwnerId`) must be an existing record of the object it looks up.
 */
import type { Connection } from '@salesforce/core';
import type { Field } from '@jsforce/jsforce-node';
import type { ConfigProblem } from '../config/problems.js';

/** Is there a record of this object with this Id? */
export type RecordExists = (objectName: string, id: string) => Promise<boolean>;

/** A Salesforce record Id: 15 or 18 letters and digits. */
const RECORD_ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

/** A record lookup over the org's REST query (the Id is checked to be an Id before it goes into the SOQL). */
export function connectionRecordExists(connection: Connection): RecordExists {
  return async (objectName, id) => {
    if (!RECORD_ID.test(id) || !/^\w+$/.test(objectName)) return false;
    try {
      const result = await connection.query(`SELECT Id FROM ${objectName} WHERE Id = '${id}' LIMIT 1`);
      return result.totalSize > 0;
    } catch (error) {
      // An Id Salesforce does not take as an Id (a bad checksum): no such record.
      if ((error as { errorCode?: string }).errorCode === 'INVALID_QUERY_FILTER_OPERATOR') return false;
      throw error;
    }
  };
}

type Problem = Omit<ConfigProblem, 'path'>;

/** One of describe's `picklistValues` (jsforce types them as `any`). */
type PicklistEntry = { value: string; active: boolean };

export async function constantProblems(
  value: string | number | boolean,
  field: Field,
  fieldName: string,
  exists?: RecordExists
): Promise<Problem[]> {
  const type = String(field.type);
  if (type === 'picklist' || type === 'multipicklist') return picklistProblems(value, field, fieldName);
  if (type === 'reference') return referenceProblems(String(value), field, fieldName, exists);
  return [];
}

function picklistProblems(value: string | number | boolean, field: Field, fieldName: string): Problem[] {
  const entries = (field.picklistValues ?? []) as PicklistEntry[];
  const allowed = entries.filter((entry) => entry.active).map((entry) => entry.value);
  // A real org describes its picklists' values; a describe without them (the project's) cannot be checked.
  if (allowed.length === 0) return [];
  const chosen = field.type === 'multipicklist' ? String(value).split(';') : [String(value)];
  const outside = chosen.filter((item) => !allowed.includes(item));
  if (outside.length === 0) return [];
  const list = allowed.map((item) => JSON.stringify(item)).join(', ');
  const what = outside.map((item) => JSON.stringify(item)).join(', ');
  return field.restrictedPicklist
    ? [
        {
          message: `${what} is not a value of the restricted picklist ${fieldName}, which refuses it; use one of: ${list}`,
          severity: 'error',
        },
      ]
    : [
        {
          message: `${what} is not one of ${fieldName}'s picklist values (${list}); the picklist is not restricted, so Salesforce takes it as it is`,
          severity: 'warning',
        },
      ];
}

async function referenceProblems(
  id: string,
  field: Field,
  fieldName: string,
  exists: RecordExists | undefined
): Promise<Problem[]> {
  const targets = field.referenceTo ?? [];
  const names = targets.join(' or ');
  if (!RECORD_ID.test(id))
    return [
      {
        message: `${JSON.stringify(id)} is not a record Id; ${fieldName} takes the Id of a ${names}`,
        severity: 'error',
      },
    ];
  if (!exists) return [];
  for (const target of targets) if (await exists(target, id)) return [];
  return [
    { message: `${JSON.stringify(id)} is not an existing ${names} (${fieldName} looks one up)`, severity: 'error' },
  ];
}
