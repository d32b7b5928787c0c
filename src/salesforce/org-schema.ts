/** The org's describes, read once per run when needed: what each field holds, and the address picklists. */
import type { Connection, DescribeSObjectResult } from '@jsforce/jsforce-node';
import { addressPicklists, type AddressPicklists } from './addresses.js';
import { limitsOf, type FieldLimits } from './limits.js';
import { composite, COMPOSITE_SUBREQUESTS, type SubResponse } from './composite.js';
import { path, retrying } from './results.js';

export class OrgSchema {
  private readonly described = new Map<string, Promise<DescribeSObjectResult>>();

  public constructor(private readonly connection: Connection) {}

  /**
   * Reads the describes a run will need in one Composite request (one API call, however many objects) rather than
   * one request each. An object whose subrequest failed, or all of them when the request did, is described on its
   * own when first asked for, so its own error is the one the caller sees.
   */
  public async prefetch(objectNames: readonly string[]): Promise<void> {
    const wanted = [...new Set(objectNames)].filter((name) => !this.described.has(name));
    for (let i = 0; i < wanted.length; i += COMPOSITE_SUBREQUESTS) {
      const names = wanted.slice(i, i + COMPOSITE_SUBREQUESTS);
      const subrequests = names.map((name, index) => ({
        method: 'GET',
        url: path(this.connection, `/sobjects/${name}/describe`),
        referenceId: `describe${index}`,
      }));
      let answers: SubResponse[];
      try {
        answers = await retrying(() => composite(this.connection, subrequests));
      } catch {
        return; // each describe is read on its own when needed
      }
      answers.forEach((answer, index) => {
        if (answer.httpStatusCode === 200 && !this.described.has(names[index]))
          this.described.set(names[index], Promise.resolve(answer.body as DescribeSObjectResult));
      });
    }
  }

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
