// An install on a machine with no working compiler still works: pcsclite is
// an optional dependency whose native build fails, and sc-repro then reaches
// PC/SC through the system library (ffi). The package is packed and installed
// globally into a temporary prefix, as a user would with `npm install -g`.
import { test, before, after } from 'node:test';
import { jsonOutput } from '../support/cli.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';

await useStack({ before, after });

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

test('npm install -g of the packed tarball with CC=false CXX=false: repro works through ffi', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-install-'));
  try {
    const packed = await run('npm', ['pack', '--silent', '--pack-destination', dir, '--ignore-scripts']);
    assert.equal(packed.code, 0, packed.stderr);
    const tarball = join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!);
    const prefix = join(dir, 'prefix');
    const installed = await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--no-fund', '--no-audit'], { CC: 'false', CXX: 'false' }, dir);
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    const modules = join(prefix, 'lib', 'node_modules', 'sc-repro', 'node_modules');
    assert.equal(existsSync(join(modules, 'pcsclite', 'build')), false, 'the native build happened after all');
    const cli = join(prefix, 'bin', 'sc-repro');
    const repro = await run(cli, ['repro', '--json', '--reader', VIRTUAL_READER]);
    assert.equal(repro.code, 0, repro.stdout + repro.stderr);
    const report = jsonOutput(repro.stdout);
    assert.equal(report.verdict, 'not-affected');
    assert.equal(report.environment.binding.name, 'ffi');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
