// The environment of a report names the stack that answered: the pcscd behind
// the socket the client used (its pid and executable), and the client library
// file the roles loaded. A private pcscd of the system's own build, on its own
// socket, is not the system's pcscd, and a report run against it must say so.
import assert from 'node:assert/strict';
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { jsonOutput, runCli } from '../support/cli.js';
import { pcscdRunning, startPcscStack, type PcscStack } from '../support/pcsc-stack.js';
import { startPrivatePcscd, type PrivatePcscd } from '../support/private-pcscd.js';

const READER = 'sc-repro stack identity';
let pcscd: PrivatePcscd;
let system: PcscStack;

before(async () => {
  // The system pcscd too: a test before this one may have stopped it (the service-restart tests start their own).
  system = await startPcscStack();
  // pcscd writes its pid file just after it loads its readers.
  for (let waited = 0; !pcscdRunning() && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  pcscd = await startPrivatePcscd({ friendlyName: `"${READER}"`, port: 35981 });
});
after(async () => {
  await pcscd?.stop();
  await system?.stop();
});

const systemPcscdPid = () => Number.parseInt(readFileSync('/run/pcscd/pcscd.pid', 'latin1'), 10);

/** `repro` on the private pcscd's reader, which has no card: inconclusive, but the service answered. */
async function reproOnPrivatePcscd() {
  const result = await runCli(['repro', '--json', '--reader', `${READER} 00 00`], { env: pcscd.env });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'inconclusive');
  return report.environment;
}

test('a report run against a private pcscd names that daemon: its pid, its executable, its socket', async () => {
  const environment = await reproOnPrivatePcscd();
  assert.notEqual(pcscd.pid, systemPcscdPid(), 'the private pcscd is another process than the system one');
  assert.deepEqual(environment.pcscServiceOrigin, {
    foundBy: 'pid-file',
    socket: pcscd.env.PCSCLITE_CSOCK_NAME,
    pid: pcscd.pid,
    executable: realpathSync(`/proc/${pcscd.pid}/exe`),
    versionFrom: `/proc/${pcscd.pid}/exe --version`,
  });
  assert.match(environment.pcscService, /^pcsc-lite version \d+\.\d+\.\d+\.\n/);
  assert.equal(environment.unavailable.pcscService, undefined);
  // The roles loaded the system's library by name; the report names the file and the package that owns it.
  assert.equal(environment.pcscClientOrigin.library, environment.binding.library);
  assert.match(environment.pcscClientOrigin.path, /\/libpcsclite\.so\.1\.\d+\.\d+$/);
  assert.equal(realpathSync(environment.pcscClientOrigin.path), environment.pcscClientOrigin.path);
  assert.equal(environment.pcscClientOrigin.versionFrom, 'package');
  assert.match(environment.pcscClient, /^libpcsclite1 \d/);
});

test('the same command on the system socket names the system pcscd', async () => {
  // The system's second vpcd slot, with no card: inconclusive, and the service answered.
  const result = await runCli(['repro', '--json', '--reader', 'Virtual PCD 00 01']);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const { environment } = jsonOutput(result.stdout);
  assert.equal(environment.pcscServiceOrigin.pid, systemPcscdPid());
  assert.equal(environment.pcscServiceOrigin.socket, '/run/pcscd/pcscd.comm');
});

test('with no way to tell which pcscd serves the socket, the report names none, and says why', async () => {
  // The private pcscd's pid file sits beside its socket; without it, and with the socket bound in another mount
  // namespace (where /proc/net/unix shows another path), nothing names the daemon.
  const pidFile = join(dirname(pcscd.env.PCSCLITE_CSOCK_NAME), 'pcscd.pid');
  rmSync(pidFile);
  const environment = await reproOnPrivatePcscd();
  assert.equal(environment.pcscService, null);
  assert.equal(environment.pcscServiceOrigin, null);
  assert.equal(
    environment.unavailable.pcscService,
    `no pcscd found behind ${pcscd.env.PCSCLITE_CSOCK_NAME}: no pid in ${pidFile}, and no process listens on it in this network namespace`,
  );
});
