// The fleet on one machine: several pcsc-lite releases, each built into its own
// prefix, each run as a private pcscd with the vpcd driver on its own socket and
// vpcd port, and the whole catalog run against each through that release's
// client library; then one table of the rows where they differ.
//
//   npx tsx scripts/pcsc-lite/releases.ts <pcsc-lite checkout> <tag>... [options]
//     --out <dir>          where the reports go (default docs/compatibility/reports); <dir>.index.json beside it
//                          names the tag, commit and pcscd --version of each
//     --runs <n>           matrix runs per release (default 1); run 1 is <tag>.json, run n is <tag>.run<n>.json
//     --vpcd-port <port>   the private daemons' vpcd port (default 36200; vpcd also takes port + 1)
//     --only <ids>         passed to matrix --only
//     --sc-repro <path>    the sc-repro to run (default this clone's bin/sc-repro.cjs: `npm run build` first)
//     --install-deps       let build.sh apt-get install the build tools it lacks
//
// Needs Linux, git, the C build tools build.sh lists (autoconf, automake, libtool,
// flex, pkg-config, gcc, make; meson and ninja for 2.x releases without configure.ac)
// and vsmartcard-vpcd's driver at /usr/lib/pcsc/drivers/serial/libifdvpcd.so.
// The system's pcscd keeps running untouched and needs no lock: nothing here
// uses its socket or vpcd's port 35963. Builds are cached (build.sh).
// Exit: 0 all releases ran, 1 a release could not be built or run (the others still are), 64 bad usage.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Build,
  buildRelease,
  DEFAULT_VPCD_PORT,
  ensureDir,
  type MatrixReport,
  resolveCli,
  runMatrix,
  startPrivateDaemon,
} from './private-daemon.js';

const usage =
  'usage: npx tsx scripts/pcsc-lite/releases.ts <pcsc-lite checkout> <tag>... [--out DIR] [--runs N] [--vpcd-port PORT] [--only IDS] [--sc-repro PATH] [--install-deps]';

function fail(message: string, code = 64): never {
  process.stderr.write(`releases: ${message}\n${code === 64 ? `${usage}\n` : ''}`);
  process.exit(code);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'docs/compatibility/reports' },
      runs: { type: 'string', default: '1' },
      'vpcd-port': { type: 'string', default: String(DEFAULT_VPCD_PORT) },
      only: { type: 'string' },
      'sc-repro': { type: 'string' },
      'install-deps': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail((error as Error).message);
}
if (parsed.values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [checkout, ...tags] = parsed.positionals;
if (!checkout || tags.length === 0) fail('a pcsc-lite checkout and at least one tag are needed');
const runs = Number(parsed.values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 20) fail(`--runs expects 1 to 20, got '${parsed.values.runs}'`);
const port = Number(parsed.values['vpcd-port']);
if (!Number.isInteger(port) || port < 1024 || port > 65_534)
  fail(`--vpcd-port expects a port from 1024 to 65534, got '${parsed.values['vpcd-port']}'`);
if (port === 35963 || port === 35964 || port + 1 === 35963) fail("--vpcd-port must stay clear of the system vpcd's 35963 and 35964");
let cli: string;
try {
  cli = resolveCli(parsed.values['sc-repro']);
} catch (error) {
  fail((error as Error).message, 2);
}
const outDir = parsed.values.out;
ensureDir(outDir);
const extra = parsed.values.only ? ['--only', parsed.values.only] : [];

interface ReleaseEntry {
  tag: string;
  commit: string | null;
  pcscdVersion: string | null;
  reports: string[];
  exitCodes: (number | null)[];
  problem: string | null;
}

const entries: ReleaseEntry[] = [];
const reports = new Map<string, MatrixReport[]>();
let failed = false;

for (const tag of tags) {
  const entry: ReleaseEntry = { tag, commit: null, pcscdVersion: null, reports: [], exitCodes: [], problem: null };
  entries.push(entry);
  process.stderr.write(`${tag}: building… `);
  const built = buildRelease(checkout, tag, parsed.values['install-deps']);
  if (!built.ok) {
    entry.problem = `cannot be built here: ${built.reason}`;
    process.stderr.write(`${entry.problem}\n`);
    failed = true;
    continue;
  }
  const build: Build = built.build;
  entry.commit = spawnSync('git', ['-C', checkout, 'rev-parse', `${tag}^{commit}`], { encoding: 'utf8' }).stdout.trim();
  entry.pcscdVersion = build.version;
  process.stderr.write(`${build.version}\n`);
  for (let run = 1; run <= runs; run++) {
    let daemon: Awaited<ReturnType<typeof startPrivateDaemon>>;
    try {
      daemon = await startPrivateDaemon(build, port);
    } catch (error) {
      entry.problem = `cannot be run here: ${(error as Error).message}`;
      process.stderr.write(`${tag}: ${entry.problem}\n`);
      failed = true;
      break;
    }
    try {
      process.stderr.write(`${tag}: matrix run ${run}/${runs} (pcscd pid ${daemon.pid}, vpcd port ${port})… `);
      const result = await runMatrix(cli, build, daemon, port, extra);
      entry.exitCodes.push(result.exitCode);
      if (!result.report) {
        entry.problem = `matrix printed no report (exit ${result.exitCode}): ${result.stderr.trim().split('\n').pop() ?? ''}`;
        process.stderr.write(`${entry.problem}\n`);
        failed = true;
        break;
      }
      const file = join(outDir, run === 1 ? `${tag}.json` : `${tag}.run${run}.json`);
      writeFileSync(file, `${result.stdout.trim()}\n`);
      entry.reports.push(relative(outDir, file));
      reports.set(tag, [...(reports.get(tag) ?? []), result.report]);
      process.stderr.write(`exit ${result.exitCode}, ${file}\n`);
    } finally {
      await daemon.stop();
    }
  }
}

// Which report came from which release: the reports' own environment names what
// sc-repro could find out; this names the tag, the commit and the daemon that ran.
// Entries of other tags already in the folder stay, so releases can be added one run at a time.
// Beside the folder, not in it: `sc-repro compare <folder>` reads every *.json there as a report.
const indexFile = join(dirname(resolve(outDir)), `${basename(resolve(outDir))}.index.json`);
let earlier: ReleaseEntry[] = [];
try {
  earlier = (JSON.parse(readFileSync(indexFile, 'utf8')) as { releases?: ReleaseEntry[] }).releases ?? [];
} catch {
  earlier = [];
}
const merged = [...earlier.filter((entry) => !tags.includes(entry.tag)), ...entries];
writeFileSync(
  indexFile,
  `${JSON.stringify({ vpcdPort: port, matrixArgs: ['--virtual', '--json', '--binding', 'ffi', '--pcsc-library', '<the release>/lib/libpcsclite.so.1', ...extra], releases: merged }, null, 2)}\n`,
);

/** A cell: the answer, marked unless judged as expected; runs that disagree show each answer with its count. */
function cell(rows: MatrixReport['rows']): string {
  const shown = rows.map((row) => {
    const answer = row.observed ?? 'no answer';
    if (row.verdict === 'not-affected') return answer;
    if (row.verdict === 'bug-reproduced') return `${answer} [bug ${row.knownBug?.id ?? '?'}]`;
    return `${answer} [${row.verdict}]`;
  });
  const counts = new Map<string, number>();
  for (const text of shown) counts.set(text, (counts.get(text) ?? 0) + 1);
  return counts.size === 1 ? (shown[0] ?? '') : [...counts].map(([text, count]) => `${count}× ${text}`).join(' / ');
}

function printSummary(): void {
  const ran = tags.filter((tag) => reports.has(tag));
  const ids = [...new Set(ran.flatMap((tag) => (reports.get(tag) ?? []).flatMap((report) => report.rows.map((row) => row.scenario.id))))];
  const cells = new Map(
    ids.map((id) => [
      id,
      ran.map((tag) => cell((reports.get(tag) ?? []).flatMap((r) => r.rows.filter((row) => row.scenario.id === id))) || 'not run'),
    ]),
  );
  // A row differs when the answers differ; the marks alone (an inconclusive run) do not make a difference in answers.
  const answerOf = (text: string) => text.replace(/ \[[^\]]*\]/g, '');
  const differing = ids.filter((id) => new Set((cells.get(id) ?? []).map(answerOf)).size > 1);
  process.stdout.write(`\n${ran.length} releases, ${ids.length} scenarios; ${differing.length} rows where the answers differ:\n\n`);
  const header = ['scenario', ...ran];
  const table = [header, ...differing.map((id) => [id, ...(cells.get(id) ?? [])])];
  const widths = header.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  for (const line of table)
    process.stdout.write(
      `${line
        .map((text, column) => text.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  const same = ids.length - differing.length;
  process.stdout.write(`\nThe other ${same} rows answer the same in every release (a mark in [] is the verdict when not as expected).\n`);
}

// The summary keys columns by tag, whatever the reports' environments say; `sc-repro compare`, when this
// sc-repro has it, adds its table (columns by the environment each report names).
printSummary();
const files = entries.flatMap((entry) => entry.reports.map((file) => join(outDir, file)));
const hasCompare = spawnSync(process.execPath, [cli, 'help', 'compare'], { encoding: 'utf8' }).status === 0;
if (hasCompare && files.length) {
  process.stdout.write('\nsc-repro compare --differences:\n');
  const compared = spawnSync(process.execPath, [cli, 'compare', '--differences', ...files], { stdio: 'inherit' });
  process.stderr.write(`compare exited ${compared.status}\n`);
}
process.exit(failed ? 1 : 0);
