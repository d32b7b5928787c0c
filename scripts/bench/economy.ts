/**
 * The fewest requests a backfill of N referrals can make, per side, from the input sizes alone — never from the
 * requests pcsync made — and the shortest time those requests can take one after another at the injected latency.
 *
 * Partner Center: the list in pages of 100 (the emulator's page size; Microsoft documents none), and — when the list
 * took more than one page — one more listing of what changed since it began (a referral that changed meanwhile may
 * have moved onto a page already read; src/sync/inbound/read.ts), which for a backfill is one page.
 * Salesforce, per object written: above sync.bulkThreshold rows one Bulk API 2.0 ingest job of 5 requests (create
 * the job, upload the CSV — one upload takes up to 150 MB — mark it UploadComplete, one status poll, the successful
 * results, which carry each row's Id; the failed and unprocessed results are read only when the status counts any),
 * else ceil(rows / 200) sObject Collections requests (200 records each). (Bulk API 2.0 Developer Guide: "Process
 * for Creating Bulk API 2.0 Requests", "Upload Job Data"; a multipart create carries at most 100,000 characters.)
 * Reads: one query each for the Opportunities, Accounts and Contacts the new rows pair with (the org holds none;
 * Accounts and Contacts have no external id to upsert on). One describe of the objects it writes, in one Composite
 * request: field-level security and missing fields must be known before writing (a write naming a field the org
 * lacks or hides fails whole: SPEC.md, "Emulators", INVALID_FIELD).
 * The outbound read of every Opportunity the run wrote: the outbound pass reads what changed since its checkpoint and
 * cannot tell a seller's mid-run edit from its own write without reading the row (SOQL cannot compare two fields) —
 * the fewer of ceil(rows / 2000) REST query pages (REST API Developer Guide, "Query Options Header": 2,000 a page by
 * default) and one Bulk API 2.0 query job of 3 requests (create, one status poll, one results page; Bulk API 2.0
 * Developer Guide, "Query Jobs"). The run's own bookkeeping: take and release the org's sync lease, open and close
 * its run record.
 */

/** Rows per sObject Collections request (REST API Developer Guide, "sObject Collections"). */
export const COLLECTION_ROWS = 200;
/** Requests of one Bulk API 2.0 ingest job with no failed row (Bulk API 2.0 Developer Guide, "Ingest jobs"). */
export const BULK_JOB_REQUESTS = 5;
/** Referrals per list page (emulators/partner-center/README.md). */
export const PAGE_SIZE = 100;
/** Rows a REST query answers a page by default (REST API Developer Guide, "Query Options Header"). */
export const QUERY_PAGE_ROWS = 2000;
/** Requests of one Bulk API 2.0 query job whose results fit one page: create, one status poll, the results. */
export const QUERY_JOB_REQUESTS = 3;
const PAIRING_READS = 3;
const DESCRIBES = 1;
const BOOKKEEPING = { before: 2, after: 2 };

export type Side = { total: number; parts: Record<string, number> };
export type Minimum = { partnerCenter: Side; salesforce: Side };

const sideOf = (parts: Record<string, number>): Side => ({
  total: Object.values(parts).reduce((a, b) => a + b, 0),
  parts,
});

/** Requests to write `rows` records of one object. */
export const writeRequests = (rows: number, bulkThreshold: number): number =>
  rows === 0 ? 0 : rows > bulkThreshold ? BULK_JOB_REQUESTS : Math.ceil(rows / COLLECTION_ROWS);

/** Requests to read `rows` records back: REST pages or one query job, whichever is fewer. */
export const readRequests = (rows: number): number => Math.min(Math.ceil(rows / QUERY_PAGE_ROWS), QUERY_JOB_REQUESTS);

export function minimumRequests(referrals: number, rows: Record<string, number>, bulkThreshold: number): Minimum {
  const salesforce: Record<string, number> = {};
  for (const [object, count] of Object.entries(rows)) {
    salesforce[`${object} writes (${count} rows)`] = writeRequests(count, bulkThreshold);
  }
  salesforce['pairing reads (Opportunity, Account, Contact)'] = PAIRING_READS;
  salesforce['describe of the objects written'] = DESCRIBES;
  const written = rows.Opportunity ?? 0;
  salesforce[
    `outbound read of the Opportunities written (min(ceil(${written} / ${QUERY_PAGE_ROWS}), ${QUERY_JOB_REQUESTS}))`
  ] = readRequests(written);
  salesforce['lease take + release, run record open + close'] = BOOKKEEPING.before + BOOKKEEPING.after;
  const pages = Math.ceil(referrals / PAGE_SIZE);
  return {
    partnerCenter: sideOf({
      [`list pages (ceil(${referrals} / ${PAGE_SIZE}))`]: pages,
      're-read of what changed since the listing began': pages > 1 ? 1 : 0,
    }),
    salesforce: sideOf(salesforce),
  };
}

/**
 * Round trips that must follow one another: take the lease and open the run record; read the list page by page
 * (each page's link comes from the one before), then the re-read; then the writes in dependency order — Accounts,
 * then Contacts and Opportunities (they point at Accounts), then contact roles and events (they point at both) —
 * each level one collection request, or a bulk job's 5 requests in sequence; then the outbound read of the
 * Opportunities written (it reads what the writes made: each REST page's locator comes from the one before, a query
 * job's requests follow one another); then close the run record and release the lease. The describe is not among
 * them: it must come before the writes, but can go alongside the lease and the list pages.
 */
export function sequentialRoundTrips(referrals: number, rows: Record<string, number>, bulkThreshold: number): number {
  // A bulk job's requests follow one another; one level's collection requests can go side by side.
  const chain = (object: string): number => {
    const count = rows[object] ?? 0;
    return count === 0 ? 0 : count > bulkThreshold ? BULK_JOB_REQUESTS : 1;
  };
  const level = (...objects: string[]): number => Math.max(0, ...objects.map(chain));
  return (
    BOOKKEEPING.before +
    Math.ceil(referrals / PAGE_SIZE) +
    (referrals > PAGE_SIZE ? 1 : 0) +
    level('Account') +
    level('Contact', 'Opportunity') +
    level('OpportunityContactRole', 'Partner_Center_Sync_Event__c') +
    readRequests(rows.Opportunity ?? 0) +
    BOOKKEEPING.after
  );
}
