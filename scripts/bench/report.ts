/** The bench's table — each figure beside its goal — printed, and written as JSON and Markdown. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Row = {
  measure: string;
  result: string;
  goal: string;
  /** The figure against its goal or floor, with a verdict where the goal is a number. */
  against: string;
};

export const verdict = (met: boolean): string => (met ? 'meets' : 'MISSES');

const COLUMNS: Array<[keyof Row, string]> = [
  ['measure', 'measure'],
  ['result', 'result'],
  ['goal', 'goal'],
  ['against', 'against the goal'],
];

export function markdown(title: string, setting: string[], rows: Row[], notes: string[]): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    `# ${title}`,
    '',
    ...setting.map((line) => `- ${line}`),
    '',
    `| ${COLUMNS.map(([, header]) => header).join(' | ')} |`,
    `| ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${COLUMNS.map(([key]) => escape(row[key])).join(' | ')} |`),
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

export function table(rows: Row[]): string {
  const header = Object.fromEntries(COLUMNS) as Row;
  const all = [header, ...rows];
  const widths = COLUMNS.map(([key]) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: Row): string => COLUMNS.map(([key], i) => row[key].padEnd(widths[i])).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

/** Writes bench-STAMP.{json,md} and latest.{json,md} under `folder`. */
export function write(folder: string, stamp: string, json: unknown, md: string): { json: string; markdown: string } {
  mkdirSync(folder, { recursive: true });
  const files = { json: path.join(folder, `bench-${stamp}.json`), markdown: path.join(folder, `bench-${stamp}.md`) };
  const text = JSON.stringify(json, null, 2) + '\n';
  writeFileSync(files.json, text);
  writeFileSync(files.markdown, md);
  writeFileSync(path.join(folder, 'latest.json'), text);
  writeFileSync(path.join(folder, 'latest.md'), md);
  return files;
}
