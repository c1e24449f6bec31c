// Shared by the benchmark scripts: run commands round-robin (so a noisy,
// shared machine slows every candidate alike) and compare medians as ratios
// against a baseline measured in the same invocation.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface Candidate {
  name: string;
  command: string;
  args: string[];
  /** Exit codes that count as a valid run. */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
}

export interface Measurement {
  name: string;
  runs: number[];
  median: number;
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timeOnce(candidate: Candidate): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(candidate.command, candidate.args, { encoding: 'utf8', env: { ...process.env, ...candidate.env } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const ok = candidate.okCodes ?? [0];
  if (result.status === null || !ok.includes(result.status)) {
    throw new Error(`${candidate.name}: exit ${result.status ?? result.signal} (expected ${ok.join('/')})\n${result.stdout}${result.stderr}`);
  }
  return ms;
}

export function measure(candidates: readonly Candidate[], runs: number, warmup = 2): Measurement[] {
  for (let i = 0; i < warmup; i++) candidates.forEach(timeOnce);
  const samples = candidates.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) candidates.forEach((candidate, index) => samples[index]!.push(timeOnce(candidate)));
  return candidates.map((candidate, index) => {
    const values = samples[index]!;
    return { name: candidate.name, runs: values, median: median(values), min: Math.min(...values), max: Math.max(...values) };
  });
}

export function printTable(measurements: readonly Measurement[], baseline: string): void {
  const base = measurements.find((m) => m.name === baseline)!;
  console.log(`| command | median ms | min ms | max ms | × ${baseline} |`);
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const m of measurements) {
    console.log(`| \`${m.name}\` | ${m.median.toFixed(1)} | ${m.min.toFixed(1)} | ${m.max.toFixed(1)} | ${(m.median / base.median).toFixed(2)} |`);
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
    if (/"reader":"Virtual PCD 00 00"[^}]*"cardPresent":true/.test(listing.stdout)) return card;
    if (tries > 100) {
      card.kill('SIGINT');
      throw new Error(`the virtual card did not show up: ${listing.stdout}${listing.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
