import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../../emulators/partner-center/server.js';
import {
  PartnerCenterTokenProvider,
  SignInRequiredError,
  TokenStore,
  msalConfiguration,
  signInStatus,
  signInWithDeviceCode,
  type DeviceCodePrompt,
} from '../../../src/partner-center/index.js';
import { TOKEN_SHAPE, emulatorSettings, headlessEnv, trustEmulator } from './helpers.js';

const REFERRALS = 'https://api.partner.microsoft.com';
const WEBHOOKS = 'https://api.partnercenter.microsoft.com';

describe('Partner Center sign-in (msal-node against the emulator)', () => {
  let emulator: PartnerCenterEmulator;
  let home: string;
  const savedHome = process.env.HOME;

  before(async () => {
    emulator = await startPartnerCenterEmulator({ port: 0, deviceCodeIntervalSec: 0, accessTokenTtlSec: 3599 });
    trustEmulator(emulator);
    // sf's generic keychain key lives under HOME; keep it in a throwaway one.
    home = mkdtempSync(path.join(tmpdir(), 'pcsync-auth-home-'));
    process.env.HOME = home;
  });

  after(async () => {
    process.env.HOME = savedHome;
    rmSync(home, { recursive: true, force: true });
    await emulator?.close();
  });

  it('configures MSAL so a local authority makes no discovery call outside', () => {
    const local = msalConfiguration({ authority: emulator.authority, clientId: 'c' });
    expect(local.auth.knownAuthorities).to.deep.equal([new URL(emulator.url).host]);
    expect(JSON.parse(local.auth.authorityMetadata!)).to.include({
      token_endpoint: `${emulator.authority}/oauth2/v2.0/token`,
    });
    const microsoft = msalConfiguration({ authority: 'https://login.microsoftonline.com/t', clientId: 'c' });
    expect(microsoft.auth.knownAuthorities).to.equal(undefined);
  });

  it('signs in by device code, stores the refresh token encrypted, and renews it on redemption', async () => {
    const store = new TokenStore({ rootFolder: home });
    const prompts: DeviceCodePrompt[] = [];
    const approver = setInterval(() => {
      const pending = emulator.admin.pendingDeviceCodes()[0];
      if (pending) emulator.admin.approveDeviceCode(pending.userCode);
    }, 20);
    let summary;
    try {
      summary = await signInWithDeviceCode({
        settings: emulatorSettings(emulator),
        store,
        onPrompt: (p) => prompts.push(p),
      });
    } finally {
      clearInterval(approver);
    }
    expect(prompts).to.have.length(1);
    expect(prompts[0].verificationUri).to.equal(`${emulator.url}/devicelogin`);
    expect(summary).to.include({
      username: emulator.username,
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
    });
    expect(JSON.stringify(summary)).not.to.match(TOKEN_SHAPE);

    const file = readFileSync(await store.path(), 'utf8');
    expect(TOKEN_SHAPE.test(file), 'refresh token encrypted at rest').to.equal(false);
    const stored = (await store.read())!;
    expect(TOKEN_SHAPE.test(stored.refreshToken), 'decrypts to the real token').to.equal(true);

    emulator.resetCounters();
    const provider = new PartnerCenterTokenProvider({ settings: emulatorSettings(emulator), env: {}, store });
    const referralsToken = await provider.getAccessToken(REFERRALS);
    const webhooksToken = await provider.getAccessToken(WEBHOOKS);
    expect(referralsToken).not.to.equal(webhooksToken);
    expect(await provider.getAccessToken(REFERRALS)).to.equal(referralsToken);
    expect(emulator.counters()['POST /token'], 'one redemption per audience, then cached').to.equal(2);
    const renewed = (await store.read())!;
    expect(renewed.refreshToken === stored.refreshToken, 'the rotated refresh token was stored').to.equal(false);

    const status = await signInStatus({ settings: emulatorSettings(emulator), env: {}, store, verify: true });
    expect(status).to.include({ source: 'stored', username: emulator.username, verified: true });
    expect(status.refreshTokenAgeSeconds).to.be.at.most(5);
  });

  it('renews an access token that is about to expire', async () => {
    let now = Date.now();
    const provider = new PartnerCenterTokenProvider({
      settings: emulatorSettings(emulator),
      env: headlessEnv(emulator),
      now: () => now,
    });
    emulator.resetCounters();
    await provider.getAccessToken(REFERRALS);
    await provider.getAccessToken(REFERRALS);
    expect(emulator.counters()['POST /token']).to.equal(1);
    now += 3599_000 - 4 * 60_000; // within the 5-minute renewal window
    await provider.getAccessToken(REFERRALS);
    expect(emulator.counters()['POST /token']).to.equal(2);
  });

  it('turns a revoked refresh token into one clear instruction, without the token', async () => {
    emulator.admin.revokeRefreshTokens();
    const provider = new PartnerCenterTokenProvider({
      settings: emulatorSettings(emulator),
      env: headlessEnv(emulator),
    });
    try {
      await provider.getAccessToken(WEBHOOKS);
      expect.fail('expected a rejection');
    } catch (error) {
      expect(error).to.be.instanceOf(SignInRequiredError);
      const e = error as SignInRequiredError;
      expect(e.message).to.equal(
        'The Partner Center sign-in has expired or was revoked. Sign in again with sf pcsync auth login.'
      );
      expect(e.stack).not.to.match(/\n\s+at /);
      expect(TOKEN_SHAPE.test(JSON.stringify({ ...e, message: e.message, stack: e.stack }))).to.equal(false);
    } finally {
      emulator.reset({ auth: true });
    }
  });

  it('says nobody is signed in when there is neither a stored nor a headless sign-in', async () => {
    const provider = new PartnerCenterTokenProvider({
      settings: emulatorSettings(emulator),
      env: {},
      store: new TokenStore({ rootFolder: path.join(home, 'empty') }),
    });
    try {
      await provider.getAccessToken(REFERRALS);
      expect.fail('expected a rejection');
    } catch (error) {
      expect((error as Error).message).to.match(/Nobody is signed in/);
    }
  });
});
