/** A configuration problem: where it is (a JSON path a person can find), what is wrong, and what is allowed. */
export type ConfigProblem = {
  /** e.g. `plugins.pcsync.mapping[3].direction` */
  path: string;
  message: string;
  severity: 'error' | 'warning';
};

/** Formats a key path such as ['mapping', 3, 'direction'] as `mapping[3].direction` under a prefix. */
export function formatPath(prefix: string, segments: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out.length > 0 ? `.${String(segment)}` : String(segment);
  }
  return out;
}

export const errorsOf = (problems: readonly ConfigProblem[]): ConfigProblem[] =>
  problems.filter((problem) => problem.severity === 'error');
