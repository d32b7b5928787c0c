import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { loadConfig } from '../../config/index.js';
import { REFERRALS_AUDIENCE } from '../../partner-center/settings.js';
import { startService } from '../../webhook/service.js';
import { configFlag } from '../../shared/flags.js';
import { partnerCenterClients } from '../../shared/partner-center.js';
import { createLogger, parseCertificates, signingTrustAnchors } from '../../webhook/index.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pcsync/plugin-pcsync', 'pcsync.serve');

export type ServeResult = { url: string; drained: boolean };

/** Under --json, stdout is JSON Lines: each log record, then the result envelope, one object per line. */
const writeJsonLine = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** The extra signing anchor's bytes, once they hold a certificate (PEM or DER). */
async function readSigningRoot(file: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
    parseCertificates(bytes);
  } catch {
    throw messages.createError('error.signingRoot', [file]);
  }
  return bytes;
}

export default class Serve extends SfCommand<ServeResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    config: configFlag,
    // No default on purpose: without the flag the configuration's serve.* value applies.
    // eslint-disable-next-line sf-plugin/flag-min-max-default
    port: Flags.integer({ summary: messages.getMessage('flags.port.summary'), min: 0, max: 65_535 }),
    host: Flags.string({ summary: messages.getMessage('flags.host.summary'), default: '127.0.0.1' }),
    path: Flags.string({ summary: messages.getMessage('flags.path.summary') }),
    'tls-key': Flags.file({
      summary: messages.getMessage('flags.tls-key.summary'),
      exists: true,
      dependsOn: ['tls-cert'],
    }),
    'tls-cert': Flags.file({
      summary: messages.getMessage('flags.tls-cert.summary'),
      exists: true,
      dependsOn: ['tls-key'],
    }),
    reconcile: Flags.boolean({ summary: messages.getMessage('flags.reconcile.summary'), default: true, allowNo: true }),
    // eslint-disable-next-line sf-plugin/flag-min-max-default -- falls back to serve.reconcileIntervalSeconds
    'reconcile-interval': Flags.duration({
      unit: 'seconds',
      summary: messages.getMessage('flags.reconcile-interval.summary'),
      min: 1,
    }),
    // An integer in seconds, not a duration: sf-plugins-core's duration flag skips a min of 0 (it tests `if (min)`),
    // so it would take -1. 0 turns the poll off while change events arrive.
    // eslint-disable-next-line sf-plugin/flag-min-max-default -- falls back to serve.outboundPollIntervalSeconds
    'poll-interval': Flags.integer({
      summary: messages.getMessage('flags.poll-interval.summary'),
      min: 0,
    }),
    'change-events': Flags.boolean({
      summary: messages.getMessage('flags.change-events.summary'),
      default: true,
      allowNo: true,
    }),
    'allow-certificate-url': Flags.string({
      summary: messages.getMessage('flags.allow-certificate-url.summary'),
      multiple: true,
    }),
    'allow-issuer-url': Flags.string({
      summary: messages.getMessage('flags.allow-issuer-url.summary'),
      multiple: true,
    }),
    'signing-root': Flags.file({ summary: messages.getMessage('flags.signing-root.summary'), exists: true }),
    'json-logs': Flags.boolean({ summary: messages.getMessage('flags.json-logs.summary') }),
  };

  public async run(): Promise<ServeResult> {
    const { flags } = await this.parse(Serve);
    const config = await loadConfig({ configFile: flags.config });
    const clients = partnerCenterClients(config);
    const connection = flags['target-org'].getConnection(flags['api-version']);
    const allowList = [
      ...new Set([...config.serve.certificateUrlAllowList, ...(flags['allow-certificate-url'] ?? [])]),
    ];
    for (const entry of allowList) {
      if (!entry.startsWith('https://')) throw messages.createError('error.allowList', [entry]);
    }
    const issuerAllowList = [...new Set([...config.serve.issuerUrlAllowList, ...(flags['allow-issuer-url'] ?? [])])];
    for (const entry of issuerAllowList) {
      if (!/^https?:\/\//.test(entry)) throw messages.createError('error.issuerAllowList', [entry]);
    }
    const signingRoot = flags['signing-root'] ?? config.serve.signingRoot;
    const trustedRoots = signingTrustAnchors(signingRoot ? [await readSigningRoot(signingRoot)] : []);
    // Log records go to stderr (text, or JSON with --json-logs), so stdout keeps the command's own output;
    // under --json they are JSON and join the result on stdout.
    const logger = createLogger(
      this.jsonEnabled() ? { json: true, write: writeJsonLine } : { json: flags['json-logs'] }
    );

    // The CLI's own handlers end the process with exit code 130 mid-drain; serve stops on its own terms. Taken before
    // the service starts: a signal that lands while it is still starting (after it logged "listening") is kept, not
    // left to a handler that no longer ends the process.
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    const signalled = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const service = await startService({
      deps: { connection, client: clients.referrals, config, traffic: clients.traffic },
      host: flags.host,
      port: flags.port ?? config.serve.port,
      path: flags.path ?? config.serve.path,
      ...(flags['tls-key'] && flags['tls-cert']
        ? { tls: { key: await readFile(flags['tls-key']), cert: await readFile(flags['tls-cert']) } }
        : {}),
      allowList,
      issuerAllowList,
      trustedRoots,
      reconcile: flags.reconcile,
      reconcileIntervalMs: (flags['reconcile-interval']?.seconds ?? config.serve.reconcileIntervalSeconds) * 1000,
      outboundPollIntervalMs: (flags['poll-interval'] ?? config.serve.outboundPollIntervalSeconds) * 1000,
      fallbackPollIntervalMs: config.serve.outboundPollIntervalSeconds * 1000,
      changeEvents: flags['change-events'],
      logger,
      checkAuth: async () => {
        await clients.tokens.getAccessToken(REFERRALS_AUDIENCE);
      },
    });
    if (!this.jsonEnabled()) this.log(messages.getMessage('info.listening', [service.webhookUrl]));

    const signal = await signalled;
    logger.info('stopping', { signal });
    const { drained } = await service.close(10_000);
    logger.info('stopped', { drained });
    return { url: service.webhookUrl, drained };
  }

  /** The sf envelope (result or error) on one line, like the log records before it, rather than indented. */
  public logJson(json: unknown): void {
    writeJsonLine(JSON.stringify(json));
  }
}
