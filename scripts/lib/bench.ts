// Shared by the benchmark scripts: run commands round-robin (so a noisy,
// shared machine slows every candidate alike) and compare medians as ratios
// against a baseline measured in the same invocation. Wall time, and the CPU
// time (user + system) of the whole process tree: Linux adds a waited-for
// child's time, its own children's included, to getrusage(RUSAGE_CHILDREN).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

export interface Candidate {
  name: string;
  command: string;
  args: string[];
  /** Exit codes that count as a valid run. */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export interface Measurement extends Stats {
  name: string;
  runs: number[];
  /** CPU ms of the whole process tree per run; null where it cannot be read. */
  cpu: Stats | null;
  /** The same per run, in the order of `runs`: empty where it cannot be read. */
  cpuRuns: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function stats(values: readonly number[]): Stats {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** CPU ms used so far by this process's waited-for descendants, or null off Linux. */
const childrenCpuMs: (() => number) | null = (() => {
  if (process.platform !== 'linux') return null;
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const timeval = koffi.struct('bench_timeval', { sec: 'long', usec: 'long' });
  koffi.struct('bench_rusage', { utime: timeval, stime: timeval, rest: koffi.array('long', 14) });
  const getrusage = koffi.load('libc.so.6').func('int getrusage(int who, _Out_ bench_rusage *usage)');
  const RUSAGE_CHILDREN = -1;
  return () => {
    const usage = { utime: { sec: 0, usec: 0 }, stime: { sec: 0, usec: 0 }, rest: [] };
    getrusage(RUSAGE_CHILDREN, usage);
    return (usage.utime.sec + usage.stime.sec) * 1000 + (usage.utime.usec + usage.stime.usec) / 1000;
  };
})();

function timeOnce(candidate: Candidate): { wall: number; cpu: number | null } {
  const cpuBefore = childrenCpuMs?.() ?? null;
  const started = process.hrtime.bigint();
  const result = spawnSync(candidate.command, candidate.args, { encoding: 'utf8', env: { ...process.env, ...candidate.env } });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const ok = candidate.okCodes ?? [0];
  if (result.status === null || !ok.includes(result.status)) {
    throw new Error(
      `${candidate.name}: exit ${result.status ?? result.signal} (expected ${ok.join('/')})\n${result.stdout}${result.stderr}`,
    );
  }
  return { wall, cpu: cpuBefore === null ? null : childrenCpuMs!() - cpuBefore };
}

export function measure(candidates: readonly Candidate[], runs: number, warmup = 2): Measurement[] {
  for (let i = 0; i < warmup; i++) candidates.forEach(timeOnce);
  const walls = candidates.map(() => [] as number[]);
  const cpus = candidates.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    candidates.forEach((candidate, index) => {
      const { wall, cpu } = timeOnce(candidate);
      walls[index]!.push(wall);
      if (cpu !== null) cpus[index]!.push(cpu);
    });
  }
  return candidates.map((candidate, index) => ({
    name: candidate.name,
    runs: walls[index]!,
    ...stats(walls[index]!),
    cpu: cpus[index]!.length ? stats(cpus[index]!) : null,
    cpuRuns: cpus[index]!,
  }));
}

/**
 * The median of round-by-round ratios of `of` to `to`: each round runs every candidate once, back to back, so a
 * ratio within a round is taken under the same load, and the machine's drift between rounds cancels out.
 */
export function pairedRatio(of: readonly number[], to: readonly number[]): number {
  return median(of.map((value, round) => value / to[round]!));
}

export function printTable(measurements: readonly Measurement[], baseline: string): void {
  const base = measurements.find((m) => m.name === baseline)!;
  const ratio = (value: number, of: number) => (value / of).toFixed(2);
  console.log(`| command | median ms | min ms | max ms | × ${baseline} | CPU ms | CPU × ${baseline} |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const m of measurements) {
    const cpu = m.cpu && base.cpu ? `| ${m.cpu.median.toFixed(1)} | ${ratio(m.cpu.median, base.cpu.median)} |` : '| - | - |';
    console.log(
      `| \`${m.name}\` | ${m.median.toFixed(1)} | ${m.min.toFixed(1)} | ${m.max.toFixed(1)} | ${ratio(m.median, base.median)} ${cpu}`,
    );
  }
}

export function runsFromArgv(fallback: number): number {
  const value = Number(process.argv[2]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/**
 * One virtual card for a whole benchmark, so no candidate pays for inserting
 * it. It is served by its own process: spawnSync blocks this one, and a card
 * that does not answer vpcd would stall pcscd.
 */
export async function serveVirtualCard(cli: string): Promise<ChildProcess> {
  const card = spawn(process.execPath, [cli, 'virtual-card'], { stdio: 'ignore' });
  for (let tries = 0; ; tries++) {
    const listing = spawnSync(process.execPath, [cli, 'readers', '--json'], { encoding: 'utf8' });
    const readers = (JSON.parse(listing.stdout || '{}').readers ?? []) as { reader: string; cardPresent: boolean }[];
    if (readers.some((entry) => entry.reader === 'Virtual PCD 00 00' && entry.cardPresent)) return card;
    if (tries > 100) {
      card.kill('SIGINT');
      throw new Error(`the virtual card did not show up: ${listing.stdout}${listing.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
