// Both ways of reaching PC/SC give the same verdicts: the npm `pcsclite`
// addon, and the system library through koffi (`--binding ffi`), with the
// binding named in the report (the whole catalog through each:
// matrix-as-expected). A checkout whose native build is gone falls
// back to ffi; asking for pcsclite there is one line and exit 2. The El
// Capitan emulation is detected through either: as an LD_PRELOAD in the
// contender under pcsclite, as the whole library (--pcsc-library) under ffi.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, type CliResult, jsonOutput } from '../support/cli.js';
import { buildInterposer } from '../support/interposers.js';

await useStack({ before, after });

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const reader = ['--reader', VIRTUAL_READER];

for (const name of ['pcsclite', 'ffi'] as const) {
  test(`--binding ${name}: repro is not-affected, and the report names the binding of every process`, async () => {
    const result = await runCli(['--binding', name, 'repro', '--json', ...reader]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'not-affected');
    assert.equal(report.environment.binding.name, name);
    assert.deepEqual(report.environment.binding.roles, { holder: name, contender: name });
    assert.equal(report.environment.binding.library, 'libpcsclite.so.1');
  });
}

test('one role on the other binding: --contender-env SC_REPRO_BINDING=ffi cross-checks it', async () => {
  const result = await runCli(['repro', '--json', ...reader, '--contender-env', 'SC_REPRO_BINDING=ffi']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'not-affected');
  assert.deepEqual(report.environment.binding.roles, { holder: 'pcsclite', contender: 'ffi' });
});

test('the El Capitan emulation is detected through either binding', async () => {
  const elCapitan = await buildInterposer('el-capitan-proto-mismatch');
  const runs: [string, Promise<CliResult>][] = [];
  runs.push([
    'pcsclite + LD_PRELOAD',
    runCli(['--binding', 'pcsclite', 'repro', '--json', ...reader, '--contender-env', `LD_PRELOAD=${elCapitan}`]),
  ]);
  for (const [label, promise] of runs) {
    const result = await promise;
    assert.equal(result.code, 1, `${label}: ${result.stdout}${result.stderr}`);
    assert.equal(jsonOutput(result.stdout).knownBug.vendorBug, '23646838', label);
  }
  // The whole process tree on the library: the holder and the observer are not affected by it, the contender's shared connect is.
  const ffi = await runCli(['repro', '--json', ...reader], { env: { SC_REPRO_BINDING: 'ffi', SC_REPRO_PCSC_LIBRARY: elCapitan } });
  assert.equal(ffi.code, 1, ffi.stdout + ffi.stderr);
  const report = jsonOutput(ffi.stdout);
  assert.equal(report.verdict, 'bug-reproduced');
  assert.equal(report.knownBug.vendorBug, '23646838');
  assert.equal(report.environment.binding.library, elCapitan);
  assert.equal(await readerIsFree(), true);
});

test('--pcsc-library that does not load: one line naming it, exit 2', async () => {
  const result = await runCli(['repro', '--pcsc-library', '/nonexistent/libpcsclite.so.1']);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^sc-repro: error: the ffi binding could not load the PC\/SC library \/nonexistent\/libpcsclite\.so\.1 \(.+\)\nhint: check the --pcsc-library path\n$/,
  );
  const both = await runCli(['--binding', 'pcsclite', '--pcsc-library', '/x.so', 'readers']);
  assert.equal(both.code, 64);
});

/** A copy of the installed tree whose pcsclite has no native build, as after a failed or stale build. */
function checkoutWithoutNativeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-no-addon-'));
  for (const entry of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry === 'pcsclite')
      cpSync(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry), {
        recursive: true,
        filter: (path) => !path.includes('/build'),
      });
    else symlinkSync(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  return dir;
}

function run(cli: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('without the native build: auto falls back to ffi; --binding pcsclite is one line and exit 2', async () => {
  const dir = checkoutWithoutNativeBuild();
  try {
    const cli = join(dir, 'bin', 'sc-repro.cjs');
    const auto = await run(cli, ['repro', '--json', ...reader]);
    assert.equal(auto.code, 0, auto.stdout + auto.stderr);
    const report = jsonOutput(auto.stdout);
    assert.equal(report.verdict, 'not-affected');
    assert.equal(report.environment.binding.name, 'ffi');
    assert.deepEqual(report.environment.binding.roles, { holder: 'ffi', contender: 'ffi' });
    const forced = await run(cli, ['--binding', 'pcsclite', 'readers']);
    assert.equal(forced.code, 2);
    const lines = forced.stderr.trim().split('\n');
    assert.equal(lines.length, 2, forced.stderr);
    assert.match(
      lines[0]!,
      /^sc-repro: error: the pcsclite binding could not be loaded: its native build is missing, or was made for another Node\.js \(.{1,200}\)$/,
    );
    // The copy is a package folder of its own, and the test runs elsewhere: the hint names the folder npm must run in.
    assert.equal(lines[1], `hint: run \`npm rebuild pcsclite\` in ${dir} (needs a C++ toolchain), or use \`--binding ffi\``);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
