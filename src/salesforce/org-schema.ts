/** The org's describes, read once per run when needed: what each field holds, and the address picklists. */
import type { Connection, DescribeSObjectResult } from '@jsforce/jsforce-node';
import { addressPicklists, type AddressPicklists } from './addresses.js';
import { limitsOf, type FieldLimits } from './limits.js';
import { retrying } from './results.js';

export class OrgSchema {
  private readonly described = new Map<string, Promise<DescribeSObjectResult>>();

  public constructor(private readonly connection: Connection) {}

  public describe(objectName: string): Promise<DescribeSObjectResult> {
    let pending = this.described.get(objectName);
    if (!pending) {
      pending = retrying(() => this.connection.sobject(objectName).describe());
      this.described.set(objectName, pending);
    }
    return pending;
  }

  /** What each field of the object can hold. */
  public async limits(objectName: string): Promise<FieldLimits> {
    return limitsOf(await this.describe(objectName));
  }

  /** The State and Country/Territory Picklists of one address of the object (`Billing`), when the org has them. */
  public async addresses(objectName: string, prefix: string): Promise<AddressPicklists | undefined> {
    return addressPicklists(await this.describe(objectName), prefix);
  }
}
