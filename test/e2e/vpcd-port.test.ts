// `--vpcd-port` puts the built-in card into another vpcd reader than the
// system's 35963: that of a private pcscd (test/support/private-pcscd.ts),
// whose reader is named "Virtual PCD 00 00" like the system's. The run is
// judged there, and only there: without the option the card would go into
// the system's reader and the private one would have none.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jsonOutput, runCli, startCli } from '../support/cli.js';
import { type PrivatePcscd, startPrivatePcscd } from '../support/private-pcscd.js';

const PORT = 35991; // and 35992 for the second slot; the system vpcd has 35963 and 35964
let pcscd: PrivatePcscd;

before(async () => {
  pcscd = await startPrivatePcscd({ friendlyName: '"Virtual PCD"', port: PORT });
});
after(() => pcscd?.stop());

/** The ATR requests vpcd logged for the private reader: one per card it saw arrive. */
const privateCardsSeen = () => (pcscd.log().match(/Card ATR: 3B 80 80 01 01/g) ?? []).length;

test("repro --vpcd-port inserts the card into the private pcscd's reader and is judged there", async () => {
  const before = privateCardsSeen();
  const result = await runCli(['repro', '--vpcd-port', String(PORT), '--json'], { env: pcscd.env });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'not-affected');
  assert.equal(report.reader.name, 'Virtual PCD 00 00');
  assert.equal(report.observed.name, 'SCARD_E_SHARING_VIOLATION');
  assert.ok(privateCardsSeen() > before, 'the private pcscd saw the built-in card arrive');
  // The card was taken out at the end: the private reader is empty again, once pcscd's next poll of vpcd says so.
  let status: { cardPresent: boolean } | undefined;
  for (let waited = 0; waited <= 10_000; waited += 100) {
    status = (await pcscd.readers()).find((reader) => reader.reader === 'Virtual PCD 00 00');
    if (status?.cardPresent === false) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(status?.cardPresent, false, 'the private reader is still shown with a card 10 s after the run');
});

test('SC_REPRO_VPCD_PORT does the same as --vpcd-port, for matrix too', async () => {
  const result = await runCli(['matrix', '--virtual', '--only', 'el-capitan-scardconnect', '--json'], {
    env: { ...pcscd.env, SC_REPRO_VPCD_PORT: String(PORT) },
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.deepEqual(
    report.rows.map((row: { scenario: { id: string }; verdict: string }) => [row.scenario.id, row.verdict]),
    [['el-capitan-scardconnect', 'not-affected']],
  );
});

test('a vpcd port another card program holds: --virtual says so, and points to that card, not to another slot', async () => {
  const other = startCli(['virtual-card', '--port', String(PORT)], { env: pcscd.env });
  try {
    await other.line(/Virtual card inserted/);
    const result = await runCli(['repro', '--vpcd-port', String(PORT)], { env: pcscd.env });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /^sc-repro: error: --virtual: .*another card program holds it/m);
    // --virtual's reader is "Virtual PCD 00 00" whatever the port: the other slot would be the wrong advice here.
    assert.match(result.stderr, /^hint: .*`--reader "Virtual PCD 00 00"` instead of --virtual$/m);
    assert.doesNotMatch(result.stderr, /--port 35964/);
  } finally {
    other.child.kill('SIGINT');
    await other.done;
  }
});

test('a --vpcd-port that is not a port, or one given with --reader, is one line and exit 64', async () => {
  const cases: [string[], string][] = [
    [
      ['repro', '--vpcd-port', '0'],
      "sc-repro: error: --vpcd-port expects a TCP port from 1 to 65535, got '0'; see `sc-repro repro --help`",
    ],
    [
      ['matrix', '--vpcd-port', 'vpcd'],
      "sc-repro: error: --vpcd-port expects a TCP port from 1 to 65535, got 'vpcd'; see `sc-repro matrix --help`",
    ],
    // --vpcd-port implies --virtual, which names the reader itself.
    [
      ['repro', '--vpcd-port', String(PORT), '--reader', '0'],
      "sc-repro: error: option '--virtual' cannot be used with option '-r, --reader <index|name>'",
    ],
  ];
  for (const [args, line] of cases) {
    const result = await runCli(args, { env: pcscd.env });
    assert.equal(result.code, 64, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.ok(result.stderr.startsWith(line), result.stderr);
  }
});

test('a SC_REPRO_VPCD_PORT that is not a port is refused, not replaced by 35963', async () => {
  const result = await runCli(['repro', '--virtual', '--json'], { env: { ...pcscd.env, SC_REPRO_VPCD_PORT: '99999' } });
  assert.equal(result.code, 64, result.stdout + result.stderr);
  assert.match(jsonOutput(result.stdout).message, /SC_REPRO_VPCD_PORT expects a TCP port from 1 to 65535, got '99999'/);
});
