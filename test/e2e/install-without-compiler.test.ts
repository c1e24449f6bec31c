// An install on a machine with no working compiler still works: pcsclite is
// an optional dependency whose native build fails, and sc-repro then reaches
// PC/SC through the system library (ffi). The package is packed and installed
// globally into a temporary prefix, as a user would with `npm install -g`.
// What the first commands there tell the user to do must work there: no
// clone's scripts/, no `npm ci`, no `npm rebuild` that misses the global copy.
import { test, before, after } from 'node:test';
import { jsonOutput } from '../support/cli.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';

await useStack({ before, after });

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** pcsc-lite's client honours PCSCLITE_CSOCK_NAME: a socket that does not exist is a service that does not answer. */
const NO_SERVICE = { PCSCLITE_CSOCK_NAME: '/nonexistent/sc-repro/pcscd.comm' };
/** Commands that exist in a clone only, or that do not reach a global install from another folder. */
const CLONE_ONLY = /scripts\/|\bnpm ci\b|npm rebuild pcsclite/;

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** A TCP port nobody listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

let dir: string;
let install: { code: number | null; stdout: string; stderr: string };
let cli: string;
let packageDir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sc-repro-install-'));
  // dist/ is the one the lock's build just made; the README's `npm pack` builds it again through prepack.
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', dir, '--ignore-scripts']);
  assert.equal(packed.code, 0, packed.stderr);
  const tarball = join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!);
  const prefix = join(dir, 'prefix');
  install = await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--no-fund', '--no-audit'], { CC: 'false', CXX: 'false' }, dir);
  assert.equal(install.code, 0, install.stdout + install.stderr);
  cli = join(prefix, 'bin', 'sc-repro');
  packageDir = join(prefix, 'lib', 'node_modules', 'sc-repro');
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('npm install -g of the packed tarball with CC=false CXX=false: repro works through ffi', { timeout: 180_000 }, async () => {
  assert.equal(existsSync(join(packageDir, 'node_modules', 'pcsclite', 'build')), false, 'the native build happened after all');
  const repro = await run(cli, ['repro', '--json', '--reader', VIRTUAL_READER], {}, dir);
  assert.equal(repro.code, 0, repro.stdout + repro.stderr);
  const report = jsonOutput(repro.stdout);
  assert.equal(report.verdict, 'not-affected');
  assert.equal(report.environment.binding.name, 'ffi');
});

test('the install says nothing about sc-repro’s own scripts, and the package has what the README links', () => {
  const output = `${install.stdout}\n${install.stderr}`;
  const aboutScripts = output.split('\n').filter((line) => /install-scripts|allowScripts|allow-scripts/.test(line));
  assert.deepEqual(
    aboutScripts.filter((line) => line.includes('sc-repro')),
    [],
    output,
  );
  for (const linked of ['CONTRIBUTING.md', 'docs/how-repro-decides.md', 'docs/architecture.md', 'LICENSE'])
    assert.equal(existsSync(join(packageDir, linked)), true, linked);
});

test('with the service unreachable, the first commands give hints that work for a global install', { timeout: 120_000 }, async () => {
  const commands = [
    ['readers'],
    ['repro'],
    ['--binding', 'pcsclite', 'readers'],
    ['doctor'],
    ['virtual-card', '--port', String(await closedPort())],
  ];
  for (const args of commands) {
    const result = await run(cli, args, NO_SERVICE, dir);
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 2, `${args.join(' ')}: ${output}`);
    // Something to do, on a hint line (doctor gives its next steps in its report).
    assert.match(output, /^hint: |\bnext: /m, `${args.join(' ')}: ${output}`);
    assert.doesNotMatch(output, CLONE_ONLY, args.join(' '));
  }
  const addon = await run(cli, ['--binding', 'pcsclite', 'readers'], NO_SERVICE, dir);
  assert.match(
    addon.stderr,
    /^hint: use `--binding ffi`, or install a C\+\+ toolchain and reinstall sc-repro: `npm install -g \.\/sc-repro-\d+\.\d+\.\d+\.tgz`/m,
  );
  const vpcd = await run(cli, ['virtual-card', '--port', String(await closedPort())], {}, dir);
  assert.match(vpcd.stderr, /^hint: .*`sudo apt install pcscd vsmartcard-vpcd`, then `sudo systemctl restart pcscd`$/m);
});

test('a broken install: the addon without its native build, then koffi gone; each hint reaches the global copy', {
  timeout: 60_000,
}, async () => {
  // The addon as after a failed or stale build: the package and its loader, no build/.
  for (const name of ['pcsclite', 'bindings', 'file-uri-to-path']) {
    cpSync(join(ROOT, 'node_modules', name), join(packageDir, 'node_modules', name), {
      recursive: true,
      filter: (path) => !path.includes(`${name}/build`),
    });
  }
  const stale = await run(cli, ['--binding', 'pcsclite', 'readers'], NO_SERVICE, dir);
  assert.equal(stale.code, 2, stale.stderr);
  assert.match(stale.stderr, /^sc-repro: error: the pcsclite binding could not be loaded: its native build is missing/m);
  assert.match(stale.stderr, /^hint: use `--binding ffi`, or run `npm rebuild -g pcsclite` \(needs a C\+\+ toolchain\)$/m);
  assert.doesNotMatch(stale.stdout + stale.stderr, CLONE_ONLY);

  // koffi and its native build for this platform, which sc-repro loads directly when it can (pcsc/ffi-library.ts).
  for (const name of ['koffi', '@koromix']) rmSync(join(packageDir, 'node_modules', name), { recursive: true });
  const noKoffi = await run(cli, ['--binding', 'ffi', 'readers'], NO_SERVICE, dir);
  assert.equal(noKoffi.code, 2, noKoffi.stderr);
  assert.match(noKoffi.stderr, /^sc-repro: error: the ffi binding needs koffi/m);
  assert.match(
    noKoffi.stderr,
    /^hint: reinstall sc-repro: `npm install -g \.\/sc-repro-\d+\.\d+\.\d+\.tgz`, from the folder that holds the package$/m,
  );
  assert.doesNotMatch(noKoffi.stdout + noKoffi.stderr, CLONE_ONLY);
});
