/**
 * Every secret an end-to-end test environment holds, and one check that none of them shows where a user, a log
 * reader or an org admin could read it: each command's stdout and stderr (`--json` output included), serve's log,
 * and the run records, events and lease the sync writes to the org. A failure names the secret and the place,
 * never the value.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { EVENT, LEASE, RUN } from '../../src/salesforce/fields.js';
import type { SfSession } from './sf-cli.js';

/**
 * The confidential client's secret (PCSYNC_CLIENT_SECRET) of every e2e environment; the Partner Center emulators
 * the tests start require it, so the sync really sends it.
 */
export const TEST_CLIENT_SECRET = `pcsync-e2e-client-secret-${randomBytes(18).toString('base64url')}`;

/** The Partner Center emulator's access tokens, refresh tokens and device codes, whoever they were issued to. */
const PARTNER_CENTER_TOKEN = /pcemu-(at|rt|dc)\.[A-Za-z0-9_-]{20,}/;

export type Secret = { name: string; value?: string; shape?: RegExp };

/**
 * The secrets of a world: any token the Partner Center emulator issues (access and refresh tokens rotate at run
 * time, so their shape), its start-up refresh token, the client secret, and the Salesforce access token.
 */
export function environmentSecrets(world: {
  pc?: { refreshToken: string };
  sf?: Pick<SalesforceEmulator, 'accessToken'>;
}): Secret[] {
  const secrets: Secret[] = [
    { name: 'a Partner Center token', shape: PARTNER_CENTER_TOKEN },
    { name: 'PCSYNC_CLIENT_SECRET', value: TEST_CLIENT_SECRET },
  ];
  if (world.pc) secrets.push({ name: 'the Partner Center refresh token', value: world.pc.refreshToken });
  if (world.sf) secrets.push({ name: 'the Salesforce access token', value: world.sf.accessToken });
  return secrets;
}

/** A secret shown in part is shown: any run of this many of its characters counts. */
const FRAGMENT = 16;

const fragments = (value: string): string[] =>
  value.length <= FRAGMENT
    ? [value]
    : Array.from({ length: value.length - FRAGMENT + 1 }, (_, i) => value.slice(i, i + FRAGMENT));

/** Fails when any secret (or a fragment of one) appears in any place; the message names both, never the secret. */
export function expectNoSecrets(secrets: Secret[], places: Record<string, string>): void {
  const found: string[] = [];
  for (const [place, text] of Object.entries(places)) {
    for (const secret of secrets) {
      const shown = secret.value ? fragments(secret.value).some((part) => text.includes(part)) : false;
      if (shown || secret.shape?.test(text)) found.push(`${secret.name} in ${place}`);
    }
  }
  expect(found, 'secrets where they must never be').to.deep.equal([]);
}

/** What a session's commands printed so far (serve's log included), each output a place of its own. */
export function sessionPlaces(session: SfSession): Record<string, string> {
  const places: Record<string, string> = {};
  session.transcript.forEach((entry, i) => {
    places[`#${i + 1} sf ${entry.command} (stdout)`] = entry.stdout;
    places[`#${i + 1} sf ${entry.command} (stderr)`] = entry.stderr;
  });
  return places;
}

/** Every run record, event and lease the org holds, each a place of its own. */
export function orgPlaces(sf: Pick<SalesforceEmulator, 'records'>): Record<string, string> {
  const places: Record<string, string> = {};
  for (const object of [RUN.object, EVENT.object, LEASE.object]) {
    sf.records(object).forEach((row, i) => (places[`${object} #${i + 1}`] = JSON.stringify(row)));
  }
  return places;
}

/** The whole check for a world: its session's output, and the org's run records, events and lease. */
export function expectNoSecretsIn(world: {
  session: SfSession;
  pc?: { refreshToken: string };
  sf?: SalesforceEmulator;
}): void {
  expectNoSecrets(environmentSecrets(world), {
    ...sessionPlaces(world.session),
    ...(world.sf ? orgPlaces(world.sf) : {}),
  });
}
