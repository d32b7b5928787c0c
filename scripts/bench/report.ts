/** The bench's table: printed, and written as JSON and Markdown under bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Row = { measure: string; result: string; reference: string; ratio: string };

export function markdown(title: string, rows: Row[], notes: string[]): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    `# ${title}`,
    '',
    '| measure | result | reference | ratio |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (row) => `| ${escape(row.measure)} | ${escape(row.result)} | ${escape(row.reference)} | ${escape(row.ratio)} |`
    ),
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

export function table(rows: Row[]): string {
  const headers: Row = { measure: 'measure', result: 'result', reference: 'reference', ratio: 'ratio' };
  const keys = Object.keys(headers) as Array<keyof Row>;
  const all = [headers, ...rows];
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: Row): string => keys.map((key, i) => row[key].padEnd(widths[i])).join(' | ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

export function write(folder: string, stamp: string, json: unknown, md: string): { json: string; markdown: string } {
  mkdirSync(folder, { recursive: true });
  const files = { json: path.join(folder, `bench-${stamp}.json`), markdown: path.join(folder, `bench-${stamp}.md`) };
  writeFileSync(files.json, JSON.stringify(json, null, 2) + '\n');
  writeFileSync(files.markdown, md);
  // Stable names for the latest run.
  writeFileSync(path.join(folder, 'latest.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(path.join(folder, 'latest.md'), md);
  return files;
}
