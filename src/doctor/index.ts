/**
 * `sf pcsync doctor` as a library: every check, one after the other (a later one may stand down when one it needs
 * failed), each bounded in time and kept from failing the others — an unexpected error is that check's red row.
 */
import { CLOCK_CHECKS } from './clock.js';
import { doctorContext, type DoctorDependencies } from './context.js';
import { ORG_SCHEMA_CHECKS } from './org-schema.js';
import { ORG_SETTINGS_CHECKS } from './org-settings.js';
import { checkName, describeError, outcome } from './outcome.js';
import { PARTNER_CENTER_CHECKS } from './partner-center.js';
import { SYNC_STATE_CHECKS } from './sync-state.js';
import {
  CHECK_STATUSES,
  type Check,
  type CheckId,
  type CheckOutcome,
  type CheckRow,
  type CheckStatus,
  type DoctorOptions,
  type DoctorReport,
} from './types.js';
import { WEBHOOK_CHECKS } from './webhook.js';

export type { DoctorDependencies } from './context.js';
export * from './types.js';

/** In the order they run: the clocks last, once every server has answered something. */
export const CHECKS: readonly Check[] = [
  ...PARTNER_CENTER_CHECKS,
  ...WEBHOOK_CHECKS,
  ...ORG_SCHEMA_CHECKS,
  ...ORG_SETTINGS_CHECKS,
  ...SYNC_STATE_CHECKS,
  ...CLOCK_CHECKS,
];

/** Longer than the Partner Center client's bounded retries (two 20 s attempts); a hung org gets no more. */
export const CHECK_TIMEOUT_MS = 60_000;

async function bounded(run: () => Promise<CheckOutcome>, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve(outcome('fail', 'timedOut', [timeoutMs / 1000])), timeoutMs);
  });
  try {
    return await Promise.race([
      run().catch((error: unknown) => outcome('fail', 'error', [describeError(error)])),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runDoctor(
  deps: DoctorDependencies,
  options: DoctorOptions = {},
  hooks: { onRow?: (row: CheckRow) => void; timeoutMs?: number } = {}
): Promise<DoctorReport> {
  const reported = new Map<CheckId, CheckOutcome>();
  const ctx = doctorContext(deps, options, reported);
  const checks: CheckRow[] = [];
  for (const check of CHECKS) {
    const result = await bounded(() => check.run(ctx), hooks.timeoutMs ?? CHECK_TIMEOUT_MS);
    reported.set(check.id, result);
    const row: CheckRow = { id: check.id, check: checkName(check.id), ...result };
    checks.push(row);
    hooks.onRow?.(row);
  }
  const counts = Object.fromEntries(CHECK_STATUSES.map((status) => [status, 0])) as Record<CheckStatus, number>;
  for (const row of checks) counts[row.status]++;
  return { ok: counts.fail === 0, counts, checks };
}
