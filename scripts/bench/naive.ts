/**
 * The per-record baseline: what a flow that handles one referral at a time does (as Microsoft's Power Automate
 * connector flows do) — for each referral, read it from Partner Center, look up its Opportunity, upsert that one
 * Opportunity — written here with plain HTTP requests, not pcsync's code. Measured on a sample of referrals already
 * imported, then extrapolated linearly; its requests are the ones the emulators counted.
 */
import { isSignIn, total } from './emulators.js';
import type { World } from './world.js';

export type NaiveResult = {
  sample: number;
  requests: number;
  requestsPerReferral: number;
  sampleMs: number;
  extrapolatedTo: number;
  extrapolatedRequests: number;
  extrapolatedMs: number;
};

const REFERRALS_SCOPE = 'https://api.partner.microsoft.com/.default';

/** A Partner Center access token from the headless sign-in the emulator printed (the refresh-token grant). */
async function accessToken(env: Record<string, string>): Promise<string> {
  const response = await fetch(`${env.PCSYNC_AUTHORITY}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: env.PCSYNC_CLIENT_ID,
      refresh_token: env.PCSYNC_REFRESH_TOKEN,
      scope: REFERRALS_SCOPE,
    }),
  });
  if (!response.ok) throw new Error(`the naive flow could not sign in: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function naive(world: World, sample: number, extrapolateTo: number): Promise<NaiveResult> {
  const { sf, pc } = world;
  const { records } = await sf.query<{ Referral_Identifier__c: string }>(
    `SELECT Referral_Identifier__c FROM Opportunity WHERE Referral_Identifier__c != null LIMIT ${sample}`
  );
  const ids = records.map((row) => row.Referral_Identifier__c);
  if (ids.length === 0) throw new Error('the naive baseline needs imported referrals');
  const bearer = { Authorization: `Bearer ${await accessToken(pc.env)}` };
  await Promise.all([sf.resetCounters(), pc.resetCounters()]);
  const started = performance.now();
  for (const id of ids) {
    const read = await fetch(`${pc.env.PCSYNC_REFERRALS_BASE_URL}/referrals/${encodeURIComponent(id)}`, {
      headers: bearer,
    });
    if (!read.ok) throw new Error(`naive: GET referral ${read.status}`);
    const referral = (await read.json()) as { name: string; details?: { notes?: string } };
    await sf.query(`SELECT Id, Name, Description FROM Opportunity WHERE Referral_Identifier__c = '${id}'`);
    await sf.rest('PATCH', `/sobjects/Opportunity/Referral_Identifier__c/${encodeURIComponent(id)}`, {
      Name: referral.name,
      Description: referral.details?.notes ?? null,
    });
  }
  const sampleMs = performance.now() - started;
  const [sfCounters, pcCounters] = await Promise.all([sf.counters(), pc.counters()]);
  const requests = total(sfCounters) + total(pcCounters, (key) => !isSignIn(key));
  return {
    sample: ids.length,
    requests,
    requestsPerReferral: requests / ids.length,
    sampleMs,
    extrapolatedTo: extrapolateTo,
    extrapolatedRequests: Math.round((requests / ids.length) * extrapolateTo),
    extrapolatedMs: (sampleMs / ids.length) * extrapolateTo,
  };
}
