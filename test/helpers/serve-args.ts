/** The `sf pcsync serve` command line the end-to-end tests start, from the flags that differ between them. */
export type ServeFlags = {
  /** `--target-org`: the alias the world logged in as. */
  targetOrg?: string;
  /** `--reconcile-interval` in seconds, or `false` for `--no-reconcile`. */
  reconcile: number | false;
  /** `--poll-interval` in seconds (0: no outbound poll); serve's default when left out. */
  poll?: number;
  /** `false`: `--no-change-events`, for tests about the poll or the webhook rather than the change feed. */
  changeEvents?: boolean;
  /** `--config FILE`. */
  config?: string;
  /**
   * `json`: `--json`, so stdout is JSON Lines (the log records, then the result); `json-logs`: `--json-logs`, its own
   * message on stdout and the log records as JSON on stderr.
   */
  output: 'json' | 'json-logs';
};

/** `pcsync serve … --port 0` (it picks a free port and logs it), then `extra` as given. */
export function serveArgs(flags: ServeFlags, ...extra: string[]): string[] {
  return [
    'pcsync',
    'serve',
    '--target-org',
    flags.targetOrg ?? 'emu',
    '--port',
    '0',
    ...(flags.reconcile === false ? ['--no-reconcile'] : ['--reconcile-interval', String(flags.reconcile)]),
    ...(flags.poll === undefined ? [] : ['--poll-interval', String(flags.poll)]),
    ...(flags.changeEvents === false ? ['--no-change-events'] : []),
    ...(flags.config === undefined ? [] : ['--config', flags.config]),
    `--${flags.output}`,
    ...extra,
  ];
}
