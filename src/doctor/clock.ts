/**
 * How far each server's clock is from this machine's, from the `Date` header of the answers the other checks got
 * (whole seconds, taken when the answer arrived: good to about a second plus the round trip).
 *
 * The bounds: a warning past `sync.overlapSeconds` (default 60 s), the skew the configuration says each incremental
 * pass allows for; a failure past 5 minutes, the receiver's window for an event dated ahead of this machine
 * (`DEFAULT_MAX_CLOCK_SKEW_MS`, Microsoft's own default clock skew for token validation): beyond it `serve` refuses
 * Partner Center's deliveries as `future-event`.
 */
import type { ApiSystem } from '../shared/traffic.js';
import { DEFAULT_MAX_CLOCK_SKEW_MS } from '../webhook/verify.js';
import { doctorMessages, needs, outcome } from './outcome.js';
import type { Check, CheckId, CheckOutcome, DoctorContext } from './types.js';

export function skewBounds(ctx: Pick<DoctorContext, 'config'>): { warnMs: number; failMs: number } {
  const failMs = DEFAULT_MAX_CLOCK_SKEW_MS;
  return { warnMs: Math.min(ctx.config.sync.overlapSeconds * 1000, failMs), failMs };
}

type Server = 'salesforce' | 'referrals' | 'webhooks';

const SYSTEM: Record<Server, ApiSystem> = {
  salesforce: 'salesforce',
  referrals: 'partner-center',
  webhooks: 'partner-center',
};

/** A skew row for one server, measured once a check before it (`after`) was answered. */
function skew(server: Server, after: CheckId): Check['run'] {
  // eslint-disable-next-line @typescript-eslint/require-await -- a check is async; this one only reads a clock
  return async (ctx: DoctorContext): Promise<CheckOutcome> => {
    const name = doctorMessages.getMessage(`server.${server}`);
    const skewMs = ctx.clocks[server].skewMs(SYSTEM[server]);
    if (skewMs === undefined) return needs(ctx, after) ?? outcome('skip', 'clockUnknown', [name]);
    const { warnMs, failMs } = skewBounds(ctx);
    const direction = doctorMessages.getMessage(skewMs >= 0 ? 'direction.ahead' : 'direction.behind');
    const tokens = [name, Math.round(Math.abs(skewMs) / 1000), direction];
    if (Math.abs(skewMs) > failMs) return outcome('fail', 'clockFar', [...tokens, failMs / 1000], { key: 'clock' });
    if (Math.abs(skewMs) > warnMs) return outcome('warn', 'clockOff', [...tokens, warnMs / 1000], { key: 'clock' });
    return outcome('pass', 'clock', [...tokens, warnMs / 1000]);
  };
}

export const CLOCK_CHECKS: readonly Check[] = [
  { id: 'clock-salesforce', run: skew('salesforce', 'sf-api-version') },
  { id: 'clock-partner-center-referrals', run: skew('referrals', 'pc-incremental-list') },
  { id: 'clock-partner-center-webhooks', run: skew('webhooks', 'pc-webhook-registration') },
];
