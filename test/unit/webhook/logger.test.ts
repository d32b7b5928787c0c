/**
 * The receiver's logger: one line per event in text or JSON, levels, and redaction of secrets and payloads.
 */
import { expect } from 'chai';
import { createLogger, redact, REDACTED } from '../../../src/webhook/index.js';

describe('webhook logger', () => {
  const fixed = (): Date => new Date('2026-01-02T03:04:05.000Z');

  it('writes one JSON object per line in json mode', () => {
    const lines: string[] = [];
    createLogger({ json: true, write: (line) => lines.push(line), now: fixed }).info('webhook.accepted', {
      referralId: 'r1',
      outcome: 'queued',
    });
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0])).to.deep.equal({
      time: '2026-01-02T03:04:05.000Z',
      level: 'info',
      event: 'webhook.accepted',
      referralId: 'r1',
      outcome: 'queued',
    });
  });

  it('writes key=value text otherwise, and drops levels below the minimum', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line), now: fixed });
    logger.debug('hidden');
    logger.warn('webhook.rejected', {
      status: 401,
      reason: 'bad-signature',
      message: 'The signature does not match the body.',
    });
    expect(lines).to.deep.equal([
      '2026-01-02T03:04:05.000Z warn webhook.rejected status=401 reason=bad-signature message="The signature does not match the body."',
    ]);
  });

  it('redacts secret-looking fields, credentials inside values, and buffers', () => {
    const safe = redact({
      authorization: 'Signature abc',
      accessToken: 'x',
      rawBody: '{"EventName":"referral-created"}',
      payload: { EventName: 'x' },
      note: 'header was Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig and Signature QUJDREVGR0hJSktMTU5PUA==',
      bytes: Buffer.from('secret'),
      nested: { refresh_token: 'rt', ok: 1 },
    });
    expect(safe.authorization).to.equal(REDACTED);
    expect(safe.accessToken).to.equal(REDACTED);
    expect(safe.rawBody).to.equal(REDACTED);
    expect(safe.payload).to.equal(REDACTED);
    expect(safe.note).to.equal(`header was Bearer ${REDACTED} and Signature ${REDACTED}`);
    expect(safe.bytes).to.equal(REDACTED);
    expect(safe.nested).to.deep.equal({ refresh_token: REDACTED, ok: 1 });
  });
});
