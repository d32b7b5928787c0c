import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, DEFAULT_MAPPING, loadConfigWithSource, validateConfig } from '../../../src/config/index.js';
import { checkRules } from '../../../src/mapping/validate.js';

/** Runs `fn` expecting a ConfigError, and returns it. */
async function configErrorOf(fn: () => unknown): Promise<ConfigError> {
  try {
    await fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail('expected a ConfigError');
}

const problemsOf = (error: ConfigError): Array<{ path: string; message: string }> => error.data?.problems ?? [];

const rule = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  partnerCenter: 'details.notes',
  salesforce: 'Description',
  ...overrides,
});

describe('config: loading and validation', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pcsync-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeProject = (pcsync: unknown, extra: Record<string, unknown> = {}): string => {
    const file = path.join(dir, 'sfdx-project.json');
    writeFileSync(
      file,
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], ...extra, plugins: { pcsync } })
    );
    return file;
  };

  describe('the defaults', () => {
    it('fills in every section and the shipped mapping when plugins.pcsync is empty', async () => {
      const file = writeProject({});
      const { config, source, project } = await loadConfigWithSource({ projectDir: dir, env: {} });
      expect(source).to.deep.equal({ kind: 'project', file });
      expect(project).to.deep.equal({ file, packageDirectories: ['force-app'] });
      expect(config.mapping).to.deep.equal(DEFAULT_MAPPING);
      expect(config.partnerCenter.referralsBaseUrl).to.equal('https://api.partner.microsoft.com/v1.0/engagements');
      expect(config.partnerCenter.webhooksBaseUrl).to.equal('https://api.partnercenter.microsoft.com/webhooks/v1');
      expect(config.partnerCenter.authority).to.equal('https://login.microsoftonline.com/{tenant}');
      expect(config.stages.onHold).to.equal('Prospecting');
      expect(config.accounts.match).to.deep.equal(['name', 'country']);
      expect(config.sync.bulkThreshold).to.equal(2000);
      expect(config.serve.reconcileIntervalSeconds).to.equal(300);
      expect(config.serve.outboundPollIntervalSeconds).to.equal(30);
    });

    it('finds sfdx-project.json in a parent directory', async () => {
      const file = writeProject({ sync: { bulkThreshold: 500 } });
      const nested = path.join(dir, 'force-app');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(nested);
      const { config, source } = await loadConfigWithSource({ projectDir: nested, env: {} });
      expect(source.file).to.equal(file);
      expect(config.sync.bulkThreshold).to.equal(500);
    });

    it('uses the defaults outside a project', async () => {
      const { source, config } = await loadConfigWithSource({ projectDir: path.parse(dir).root, env: {} });
      expect(source.kind).to.equal('defaults');
      expect(config.mapping.length).to.equal(DEFAULT_MAPPING.length);
    });

    it('keeps a mapping given in the file instead of the default one', () => {
      const config = validateConfig({ mapping: [rule({})] });
      expect(config.mapping).to.deep.equal([
        {
          partnerCenter: 'details.notes',
          salesforce: 'Description',
          on: 'always',
          direction: 'both',
          owner: 'partnerCenter',
          optional: false,
        },
      ]);
    });

    it('expands the transform shorthand "date"', () => {
      const config = validateConfig({
        mapping: [rule({ partnerCenter: 'details.closingDateTime', salesforce: 'CloseDate', transform: 'date' })],
      });
      expect(config.mapping[0].transform).to.deep.equal({ type: 'date' });
    });
  });

  describe('--config FILE', () => {
    it('reads the pcsync section from the file, naming keys without the plugins.pcsync prefix', async () => {
      const file = path.join(dir, 'pcsync.json');
      writeFileSync(file, JSON.stringify({ serve: { port: 'eighty' } }));
      const error = await configErrorOf(() => loadConfigWithSource({ configFile: file, env: {} }));
      expect(problemsOf(error)).to.deep.equal([
        { path: 'serve.port', message: 'expected number, got the string "eighty"', severity: 'error' },
      ]);
      expect(error.message).to.include(file);
    });

    it('says which file is missing', async () => {
      const error = await configErrorOf(() =>
        loadConfigWithSource({ configFile: path.join(dir, 'nope.json'), env: {} })
      );
      expect(error.name).to.equal('PcsyncConfigNotFound');
      expect(error.message).to.include('nope.json').and.include('ENOENT');
    });
  });

  describe('bad input', () => {
    it('malformed sfdx-project.json: names the file and the position', async () => {
      const file = path.join(dir, 'sfdx-project.json');
      writeFileSync(
        file,
        '{\n  "packageDirectories": [],\n  "plugins": { "pcsync": { "sync": { "bulkThreshold": 10, } } }\n}\n'
      );
      const error = await configErrorOf(() => loadConfigWithSource({ projectDir: dir, env: {} }));
      expect(error.name).to.equal('PcsyncConfigMalformed');
      expect(error.message)
        .to.include(file)
        .and.match(/line 3 column/);
      expect(error.exitCode).to.equal(1);
    });

    it('plugins that is not an object', async () => {
      const file = path.join(dir, 'sfdx-project.json');
      writeFileSync(file, JSON.stringify({ plugins: [1] }));
      const error = await configErrorOf(() => loadConfigWithSource({ projectDir: dir, env: {} }));
      expect(problemsOf(error)).to.deep.equal([
        { path: 'plugins', message: 'must be an object, not an array', severity: 'error' },
      ]);
    });

    it('a key of the wrong type', async () => {
      writeProject({ partnerCenter: { concurrency: '4' } });
      const error = await configErrorOf(() => loadConfigWithSource({ projectDir: dir, env: {} }));
      expect(problemsOf(error)).to.deep.equal([
        {
          path: 'plugins.pcsync.partnerCenter.concurrency',
          message: 'expected number, got the string "4"',
          severity: 'error',
        },
      ]);
      expect(error.message).to.include('plugins.pcsync.partnerCenter.concurrency: expected number');
    });

    it('an unknown key', () => {
      const error = (() => {
        try {
          validateConfig({ mapping: [rule({ directon: 'both' })] });
        } catch (e) {
          return e as ConfigError;
        }
        return expect.fail('expected an error');
      })();
      expect(problemsOf(error)).to.deep.equal([
        { path: 'plugins.pcsync.mapping[0]', message: 'unknown key "directon"', severity: 'error' },
      ]);
    });

    it('an unknown direction names the value and what is allowed', async () => {
      const error = await configErrorOf(() =>
        validateConfig({
          mapping: [rule({}), rule({ partnerCenter: 'name', salesforce: 'Name', direction: 'sideways' })],
        })
      );
      expect(problemsOf(error)).to.deep.equal([
        {
          path: 'plugins.pcsync.mapping[1].direction',
          message: '"sideways" is not allowed; use one of: inbound, outbound, both',
          severity: 'error',
        },
      ]);
    });

    it('an unknown owner', async () => {
      const error = await configErrorOf(() => validateConfig({ mapping: [rule({ owner: 'microsoft' })] }));
      expect(problemsOf(error)[0]).to.deep.include({ path: 'plugins.pcsync.mapping[0].owner' });
      expect(problemsOf(error)[0].message).to.include('salesforce, partnerCenter, manual');
    });

    it('an unknown transform', async () => {
      const error = await configErrorOf(() => validateConfig({ mapping: [rule({ transform: 'uppercase' })] }));
      expect(problemsOf(error)).to.have.length(1);
      expect(problemsOf(error)[0].path).to.equal('plugins.pcsync.mapping[0].transform.type');
      expect(problemsOf(error)[0].message).to.equal(
        'unknown transform "uppercase"; use one of: date, scale, list, countryCode, urlTemplate'
      );
    });

    it('a field that is not part of a Partner Center referral', async () => {
      const error = await configErrorOf(() =>
        validateConfig({ mapping: [rule({ partnerCenter: 'details.dealvalue' })] })
      );
      expect(problemsOf(error)).to.deep.equal([
        {
          path: 'plugins.pcsync.mapping[0].partnerCenter',
          message: '"details.dealvalue" is not a field of a Partner Center referral',
          severity: 'error',
        },
      ]);
    });

    it('a duplicate mapping target', async () => {
      const error = await configErrorOf(() =>
        validateConfig({
          mapping: [rule({}), rule({ partnerCenter: 'inviteContext.notes', salesforce: 'description' })],
        })
      );
      expect(problemsOf(error)).to.deep.equal([
        {
          path: 'plugins.pcsync.mapping[1].salesforce',
          message:
            '"description" is already written by mapping[0]; each Salesforce field can be the target of one inbound rule only',
          severity: 'error',
        },
      ]);
    });

    it('the same Salesforce field read by two outbound rules is fine', () => {
      const config = validateConfig({
        mapping: [
          rule({ direction: 'outbound' }),
          rule({ partnerCenter: 'inviteContext.notes', direction: 'outbound' }),
        ],
      });
      expect(config.mapping).to.have.length(2);
    });

    it('a two-way value map that sends two Partner Center values to one Salesforce value without saying which goes back', async () => {
      const valueMap = [
        { partnerCenter: 'Lost', salesforce: 'Closed Lost' },
        { partnerCenter: 'Declined', salesforce: 'Closed Lost' },
        { partnerCenter: 'Won', salesforce: 'Closed Won' },
      ];
      const error = await configErrorOf(() =>
        validateConfig({
          mapping: [rule({ partnerCenter: 'substatus', salesforce: 'NextStep', direction: 'both', valueMap })],
        })
      );
      expect(problemsOf(error)).to.deep.equal([
        {
          path: 'plugins.pcsync.mapping[0].valueMap[0]',
          message:
            '"Lost" and "Declined" both map to the Salesforce value "Closed Lost"; mark the one to send back to Partner Center with "outbound": true',
          severity: 'error',
        },
      ]);
      // Saying which one goes back makes it valid; an inbound-only map never needs to.
      valueMap[0] = { ...valueMap[0], outbound: true } as (typeof valueMap)[0];
      expect(
        validateConfig({
          mapping: [rule({ partnerCenter: 'details.customerAction', salesforce: 'NextStep', valueMap })],
        }).mapping[0].valueMap
      ).to.have.length(3);
    });

    it('an inbound value map that sends one Partner Center value two ways', async () => {
      const valueMap = [
        { partnerCenter: 'A', salesforce: 'x' },
        { partnerCenter: 'A', salesforce: 'y' },
      ];
      const error = await configErrorOf(() => validateConfig({ mapping: [rule({ direction: 'inbound', valueMap })] }));
      expect(problemsOf(error)[0].path).to.equal('plugins.pcsync.mapping[0].valueMap[1].partnerCenter');
    });

    it('writing through a relationship path', async () => {
      const error = await configErrorOf(() =>
        validateConfig({ mapping: [rule({ partnerCenter: 'customerProfile.name', salesforce: 'Account.Name' })] })
      );
      expect(problemsOf(error)[0]).to.deep.equal({
        path: 'plugins.pcsync.mapping[0].direction',
        message:
          '"both" would write through the relationship path "Account.Name", which can only be read; use "outbound"',
        severity: 'error',
      });
    });

    it('writing a field Partner Center sets itself', async () => {
      const error = await configErrorOf(() =>
        validateConfig({ mapping: [rule({ partnerCenter: 'eTag', salesforce: 'Description' })] })
      );
      expect(problemsOf(error)[0].message).to.include('which Partner Center sets itself; use "inbound"');
    });

    it('writing a field the sync writes itself', async () => {
      const error = await configErrorOf(() =>
        validateConfig({
          mapping: [rule({ partnerCenter: 'name', salesforce: 'Partner_Center_Status__c', direction: 'inbound' })],
        })
      );
      expect(problemsOf(error)[0]).to.deep.equal({
        path: 'plugins.pcsync.mapping[0].salesforce',
        message: '"Partner_Center_Status__c" is written by the sync itself (from "status"); remove this rule',
        severity: 'error',
      });
    });

    it('an accounts.match key the mapping names no Account field for is a warning, not an error', () => {
      const config = validateConfig({ mapping: [rule({ partnerCenter: 'details.notes', salesforce: 'Description' })] });
      expect(checkRules(config, 'plugins.pcsync').map((problem) => [problem.path, problem.severity])).to.deep.equal([
        ['plugins.pcsync.accounts.match[0]', 'warning'],
        ['plugins.pcsync.accounts.match[1]', 'warning'],
      ]);
      expect(checkRules(validateConfig({}), 'plugins.pcsync')).to.deep.equal([]);
    });

    it('a list path without the list transform, and the list transform on a single value', async () => {
      const error = await configErrorOf(() =>
        validateConfig({
          mapping: [
            rule({ partnerCenter: 'details.requirements.solutions[].id', salesforce: 'Partner_Center_Solutions__c' }),
            rule({ transform: { type: 'list', separator: ',' } }),
          ],
        })
      );
      expect(problemsOf(error).map((problem) => problem.path)).to.deep.equal([
        'plugins.pcsync.mapping[0].transform',
        'plugins.pcsync.mapping[1].transform',
      ]);
    });

    it('stages that overlap', async () => {
      const error = await configErrorOf(() =>
        validateConfig({ stages: { onHold: 'Qualification', won: 'Closed Lost' } })
      );
      expect(problemsOf(error).map((problem) => problem.path)).to.deep.equal([
        'plugins.pcsync.stages.onHold',
        'plugins.pcsync.stages.won',
      ]);
    });

    it('lists every problem at once', async () => {
      const error = await configErrorOf(() =>
        validateConfig({ partnerCenter: { concurrency: 0, referralsBaseUrl: 'not a url' }, serve: { path: 'hooks' } })
      );
      expect(
        problemsOf(error)
          .map((problem) => problem.path)
          .sort()
      ).to.deep.equal([
        'plugins.pcsync.partnerCenter.concurrency',
        'plugins.pcsync.partnerCenter.referralsBaseUrl',
        'plugins.pcsync.serve.path',
      ]);
    });
  });

  describe('environment overrides', () => {
    it('PCSYNC_* URLs and ids win over the file', async () => {
      writeProject({ partnerCenter: { tenantId: 'from-file' } });
      const { config } = await loadConfigWithSource({
        projectDir: dir,
        env: {
          PCSYNC_AUTHORITY: 'https://127.0.0.1:9443/tenant-1',
          PCSYNC_REFERRALS_BASE_URL: 'https://127.0.0.1:9443/v1.0/engagements',
          PCSYNC_WEBHOOKS_BASE_URL: 'https://127.0.0.1:9443/webhooks/v1',
          PCSYNC_TENANT_ID: 'tenant-1',
        },
      });
      expect(config.partnerCenter).to.include({
        authority: 'https://127.0.0.1:9443/tenant-1',
        referralsBaseUrl: 'https://127.0.0.1:9443/v1.0/engagements',
        webhooksBaseUrl: 'https://127.0.0.1:9443/webhooks/v1',
        tenantId: 'tenant-1',
      });
    });
  });
});
