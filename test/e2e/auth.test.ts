/**
 * `sf pcsync auth login | show | logout` through the real sf CLI against the Partner Center emulator: the test plays
 * the user's browser step through the emulator's admin API. No output may contain a token.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from '../../emulators/partner-center/server.js';
import type { AuthLogoutResult } from '../../src/commands/pcsync/auth/logout.js';
import type { AuthShowResult } from '../../src/commands/pcsync/auth/show.js';
import { environmentSecrets, expectNoSecrets, expectNoSecretsIn, TEST_CLIENT_SECRET } from '../helpers/secrets.js';
import { SfSession, repoRoot, type SfResult } from '../helpers/sf-cli.js';

const sfBin = path.join(repoRoot, 'node_modules', '.bin', 'sf');

describe('sf pcsync auth (e2e, real sf CLI)', function () {
  this.timeout(180_000);
  let emulator: PartnerCenterEmulator;
  let session: SfSession;

  before(async () => {
    emulator = await startPartnerCenterEmulator({
      port: 0,
      deviceCodeIntervalSec: 1,
      clientSecret: TEST_CLIENT_SECRET,
    });
    session = SfSession.create({
      env: {
        NODE_EXTRA_CA_CERTS: emulator.caCertPath,
        PCSYNC_TENANT_ID: emulator.tenantId,
        PCSYNC_CLIENT_ID: emulator.clientId,
        PCSYNC_AUTHORITY: emulator.authority,
        PCSYNC_REFERRALS_BASE_URL: emulator.referralsBaseUrl,
        PCSYNC_WEBHOOKS_BASE_URL: emulator.webhooksBaseUrl,
        PCSYNC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      },
    });
  });

  after(async () => {
    session?.clean();
    await emulator?.close();
  });
  afterEach(() => expectNoSecretsIn({ session, pc: emulator }));

  /** No secret in one command's output (the login runs outside the session's transcript). */
  const expectNoToken = (result: SfResult): void =>
    expectNoSecrets(environmentSecrets({ pc: emulator }), { stdout: result.stdout, stderr: result.stderr });

  it('auth login completes a device-code sign-in and stores the refresh token encrypted', async () => {
    const child = spawn(sfBin, ['pcsync', 'auth', 'login'], {
      cwd: repoRoot,
      env: session.environment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    // The user's browser step: wait for the code the CLI printed, then approve it at the "Microsoft" side.
    const deadline = Date.now() + 60_000;
    let userCode: string | undefined;
    while (!userCode && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      userCode = emulator.admin.pendingDeviceCodes()[0]?.userCode;
    }
    expect(userCode, `no device code was requested; stderr: ${stderr}`).to.be.a('string');
    const printed = Date.now() + 20_000;
    while (!stdout.includes(userCode!) && Date.now() < printed) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stdout).to.include(`${emulator.url}/devicelogin`);
    expect(stdout).to.include(userCode);
    expect(emulator.admin.approveDeviceCode(userCode!)).to.equal(true);

    const exitCode = await exited;
    expectNoToken({ exitCode, stdout, stderr });
    expect(exitCode, stderr).to.equal(0);
    expect(stdout).to.include(`Signed in to Partner Center as ${emulator.username}`);

    const stored = readFileSync(path.join(session.home, '.sf', 'pcsync-auth.json'), 'utf8');
    // The stored refresh token is encrypted: no secret reads in the clear.
    expectNoSecrets(environmentSecrets({ pc: emulator }), { 'pcsync-auth.json': stored });
    const parsed = JSON.parse(stored) as Record<string, string>;
    expect(parsed.username).to.equal(emulator.username);
    expect(parsed.refreshToken)
      .to.be.a('string')
      .and.not.match(/^pcemu-/);
  });

  it('auth login --json keeps stdout to the JSON result and shows the prompt on stderr', async () => {
    const approver = setInterval(() => {
      const pending = emulator.admin.pendingDeviceCodes()[0];
      if (pending) emulator.admin.approveDeviceCode(pending.userCode);
    }, 200);
    let result;
    try {
      result = await session.runJson<AuthShowResult>(['pcsync', 'auth', 'login']);
    } finally {
      clearInterval(approver);
    }
    expectNoToken(result);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.json.result).to.include({ username: emulator.username, tenantId: emulator.tenantId });
    expect(result.stderr).to.include(`${emulator.url}/devicelogin`);
  });

  it('auth show reports the user, the tenant and the age of the refresh token', async () => {
    const result = await session.runJson<AuthShowResult>(['pcsync', 'auth', 'show']);
    expectNoToken(result);
    expect(result.exitCode, result.stderr).to.equal(0);
    const status = result.json.result!;
    expect(status).to.include({
      source: 'stored',
      username: emulator.username,
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      verified: true,
    });
    expect(status.refreshTokenAgeSeconds).to.be.a('number').and.at.most(120);

    const human = await session.run(['pcsync', 'auth', 'show', '--offline']);
    expectNoToken(human);
    expect(human.exitCode, human.stderr).to.equal(0);
    expect(human.stdout).to.include(emulator.username).and.include(emulator.tenantId).and.include('Refresh token age');
  });

  it('a revoked refresh token yields one clear message to sign in again, without a stack or a token', async () => {
    expect(emulator.admin.revokeRefreshTokens()).to.be.greaterThan(0);
    const json = await session.runJson<AuthShowResult>(['pcsync', 'auth', 'show']);
    expectNoToken(json);
    expect(json.exitCode).to.equal(1);
    expect(json.json.name).to.equal('PcsyncSignInRequired');
    expect(json.json.message).to.include('Sign in again with sf pcsync auth login');

    const human = await session.run(['pcsync', 'auth', 'show']);
    expectNoToken(human);
    expect(human.exitCode).to.equal(1);
    expect(human.stderr).to.include('Sign in again with sf pcsync auth login');
    expect(human.stderr).not.to.match(/\n\s+at /);
  });

  it('headless credentials from PCSYNC_REFRESH_TOKEN are used when set', async () => {
    const env = { PCSYNC_REFRESH_TOKEN: emulator.admin.issueRefreshToken() };
    const result = await session.runJson<AuthShowResult>(['pcsync', 'auth', 'show'], { env });
    expectNoToken(result);
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.json.result).to.include({
      source: 'environment',
      username: emulator.username,
      tenantId: emulator.tenantId,
      verified: true,
    });
  });

  it('auth logout removes the stored sign-in', async () => {
    const result = await session.runJson<AuthLogoutResult>(['pcsync', 'auth', 'logout']);
    expectNoToken(result);
    expect(result.json.result).to.deep.equal({ removed: true, username: emulator.username });
    const after = await session.runJson<AuthShowResult>(['pcsync', 'auth', 'show', '--offline']);
    expect(after.exitCode).to.equal(1);
    expect(after.json.message).to.include('Nobody is signed in to Partner Center');
    const again = await session.runJson<AuthLogoutResult>(['pcsync', 'auth', 'logout']);
    expect(again.json.result).to.deep.equal({ removed: false });
  });
});
