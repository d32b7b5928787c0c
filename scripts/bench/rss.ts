/**
 * Resident memory of one process tree — the `sf` process and anything it starts — read from /proc (Linux), so the
 * emulators and the bench itself are never in the figure. Two readings: the largest sum of VmRSS over the tree seen
 * by sampling, and the kernel's own high-water mark (VmHWM) of each process, which no sampling gap can miss.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export type RssPeak = {
  /** max over samples of Σ VmRSS of the tree (bytes). */
  sampledBytes: number;
  /** max over the tree's processes of their last-read VmHWM (bytes): the peak of the largest single process. */
  highWaterBytes: number;
  samples: number;
  processes: number;
};

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** `VmRSS: 123 kB` → bytes. */
const statusBytes = (status: string, field: string): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : 0;
};

/** The pid and every live descendant, from each process's parent pid in /proc/PID/stat. */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    if (!stat) continue;
    // Field 4 (ppid) follows the parenthesised command name, which may itself hold spaces or parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...(children.get(pids[i]) ?? []));
  return pids;
}

/** Samples the tree under `pid` every `everyMs` until stopped. */
export function processTreeRss(pid: number, everyMs = 50): { stop(): RssPeak } {
  const peak: RssPeak = { sampledBytes: 0, highWaterBytes: 0, samples: 0, processes: 0 };
  const seen = new Set<number>();
  const sample = (): void => {
    let sum = 0;
    for (const member of tree(pid)) {
      const status = readText(`/proc/${member}/status`);
      if (!status) continue;
      seen.add(member);
      sum += statusBytes(status, 'VmRSS');
      peak.highWaterBytes = Math.max(peak.highWaterBytes, statusBytes(status, 'VmHWM'));
    }
    peak.sampledBytes = Math.max(peak.sampledBytes, sum);
    peak.samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      peak.processes = seen.size;
      return { ...peak };
    },
  };
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU time (user + system) a process has used so far, in ms (/proc/PID/stat fields 14 and 15, in clock ticks). */
export function cpuMs(pid: number, ticksPerSecond = TICKS_PER_SECOND): number {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return NaN;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is fields[0], so utime (field 14) is fields[11] and stime (15) fields[12].
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
}
