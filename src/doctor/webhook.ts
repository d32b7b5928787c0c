/**
 * The webhook side: Partner Center's registration (the receiver's URL, the referral events and `test-created`), and
 * the signing certificate at Microsoft's documented URL put through the receiver's own checks — the allow-list,
 * the leaf's fitness and the chain to a signing anchor with `O=Microsoft Corporation` in the issuer — so an admin
 * learns that deliveries would be refused before Partner Center parks them in its offline queue.
 */
import { readFile } from 'node:fs/promises';
import { REFERRAL_EVENTS, VALIDATION_EVENT } from '../partner-center/events.js';
import { signingCertificate, verifyChain } from '../webhook/chain.js';
import { certificateUrlMatcher, DOCUMENTED_CERTIFICATE_URL, issuerUrlMatcher } from '../webhook/certificate-urls.js';
import { WebhookRejection } from '../webhook/errors.js';
import { signingTrustAnchors } from '../webhook/trust-anchors.js';
import { describeError, needs, outcome } from './outcome.js';
import type { Check, CheckOutcome, DoctorContext } from './types.js';

const sameUrl = (a: string, b: string): boolean =>
  URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;

async function registration(ctx: DoctorContext): Promise<CheckOutcome> {
  const blocked = needs(ctx, 'pc-token-webhooks');
  if (blocked) return blocked;
  let current;
  try {
    current = await ctx.webhooks.show();
  } catch (error) {
    return outcome('fail', 'registrationUnreadable', [describeError(error)], { key: 'partnerCenterUnreachable' });
  }
  const receiver = ctx.options.receiverUrl;
  if (!current) {
    const action = receiver
      ? { key: 'register', tokens: [receiver] }
      : { key: 'registerAt', tokens: [ctx.config.serve.path] };
    return outcome('fail', 'registrationNone', [], action);
  }

  const url = current.WebhookUrl;
  const events = current.WebhookEvents;
  const register = { key: 'register', tokens: [receiver ?? url] };
  if (receiver && !sameUrl(url, receiver)) {
    return outcome('fail', 'registrationElsewhere', [url, receiver], { key: 'registerOverwrite', tokens: [receiver] });
  }
  const missing = REFERRAL_EVENTS.filter((event) => !events.includes(event));
  if (missing.length > 0) return outcome('fail', 'registrationMissingEvents', [url, missing.join(', ')], register);
  if (!events.includes(VALIDATION_EVENT)) return outcome('warn', 'registrationNoTestEvent', [url], register);
  if (!receiver) {
    const path = URL.canParse(url) ? new URL(url).pathname : url;
    if (path !== ctx.config.serve.path) {
      return outcome('warn', 'registrationOtherPath', [url, ctx.config.serve.path], { key: 'receiverUrl' });
    }
    return outcome('pass', 'registrationUnchecked', [url, events.join(', ')], { key: 'receiverUrl' });
  }
  return outcome('pass', 'registrationMatches', [url, events.join(', ')]);
}

/** A distinguished name on one line (`CN=…, O=…`). */
const oneLine = (name: string): string => name.split('\n').filter(Boolean).join(', ');

async function certificate(ctx: DoctorContext): Promise<CheckOutcome> {
  const url = ctx.options.certificateUrl ?? DOCUMENTED_CERTIFICATE_URL;
  const serve = ctx.config.serve;
  const allowed = certificateUrlMatcher(serve.certificateUrlAllowList)(url);
  if (!allowed) {
    return outcome('fail', 'certificateNotAllowed', [url, serve.certificateUrlAllowList.join(', ')], {
      key: 'allowCertificateUrl',
    });
  }
  let anchors;
  try {
    anchors = signingTrustAnchors(serve.signingRoot ? [await readFile(serve.signingRoot)] : []);
  } catch (error) {
    return outcome('fail', 'signingRootUnreadable', [serve.signingRoot ?? '', describeError(error)], {
      key: 'signingRoot',
    });
  }
  let bytes;
  try {
    bytes = await ctx.fetchCertificate(allowed);
  } catch (error) {
    return outcome('fail', 'certificateUnavailable', [url, describeError(error)], { key: 'certificateUnavailable' });
  }
  const at = ctx.now();
  try {
    const signing = signingCertificate(bytes, at);
    await verifyChain(signing, {
      anchors,
      at,
      issuerUrl: issuerUrlMatcher(serve.issuerUrlAllowList),
      fetchIssuer: ctx.fetchCertificate,
    });
    const { leaf } = signing;
    return outcome('pass', 'certificateTrusted', [url, oneLine(leaf.subject), oneLine(leaf.issuer), leaf.validTo]);
  } catch (error) {
    if (!(error instanceof WebhookRejection)) throw error;
    const action = error.reason === 'certificate-untrusted' ? 'signingRoot' : 'certificateRefused';
    return outcome('fail', 'certificateRefused', [url, error.reason, error.message], { key: action });
  }
}

export const WEBHOOK_CHECKS: readonly Check[] = [
  { id: 'pc-webhook-registration', run: registration },
  { id: 'pc-signing-certificate', run: certificate },
];
