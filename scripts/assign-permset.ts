/**
 * `sf org assign permset --name NAME [--on-behalf-of USER]` for code that holds a jsforce Connection (the bench,
 * in-process tests): the same three requests @salesforce/core's PermissionSetAssignment sends — the user's Id, the
 * set's Id, then a PermissionSetAssignment insert.
 */
import type { Connection } from '@jsforce/jsforce-node';

export async function assignPermissionSet(connection: Connection, name: string, who: string): Promise<void> {
  const user = await connection.query<{ Id: string }>(`SELECT Id FROM User WHERE Username='${who}'`);
  const set = await connection.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name='${name}'`);
  if (user.records.length !== 1 || set.records.length !== 1)
    throw new Error(`cannot assign permission set ${name} to ${who}: user or permission set not found`);
  const created = await connection
    .sobject('PermissionSetAssignment')
    .create({ AssigneeId: user.records[0].Id, PermissionSetId: set.records[0].Id });
  if (!created.success) throw new Error(`cannot assign permission set ${name} to ${who}: ${JSON.stringify(created)}`);
}
