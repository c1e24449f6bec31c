// The facts that name the PC/SC stack that answered: the pcscd behind the
// client's socket and the client library's version, from literal inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStackFacts, type Environment } from '../../src/platform/environment.js';
import {
  DEFAULT_PCSCD_SOCKET,
  listeningSocketInodes,
  parsePidFile,
  pcscStackFacts,
  pkgConfigVersion,
  startedAs,
} from '../../src/platform/pcsc-stack.js';

test('pcscd.pid: the decimal pid pcscd writes, with its newline and NUL; anything else is no pid', () => {
  assert.equal(parsePidFile('22372\n\0'), 22372);
  assert.equal(parsePidFile('812\n'), 812);
  assert.equal(parsePidFile(''), null);
  assert.equal(parsePidFile('0\n'), null);
  assert.equal(parsePidFile('pcscd\n'), null);
  assert.equal(parsePidFile('12ab\n'), null);
});

// /proc/net/unix as Linux 6.x prints it: the listening socket (flags 00010000), then connected ones.
const PROC_NET_UNIX = `Num       RefCount Protocol Flags    Type St Inode Path
0000000043ad0bf6: 00000002 00000000 00010000 0001 01 2479621 /run/pcscd/pcscd.comm
00000000b8b9d28e: 00000003 00000000 00000000 0001 03 2479778 /run/pcscd/pcscd.comm
000000001111aaaa: 00000002 00000000 00010000 0001 01 3000001 /tmp/sc repro/run/pcscd.comm
000000002222bbbb: 00000002 00000000 00010000 0001 01 3000002 @/tmp/.X11-unix/X0
000000003333cccc: 00000003 00000000 00000000 0001 03 3000003
`;

test('/proc/net/unix: only the listening sockets bound to the exact path', () => {
  assert.deepEqual(listeningSocketInodes(PROC_NET_UNIX, '/run/pcscd/pcscd.comm'), [2479621]);
  assert.deepEqual(listeningSocketInodes(PROC_NET_UNIX, '/tmp/sc repro/run/pcscd.comm'), [3000001]);
  assert.deepEqual(listeningSocketInodes(PROC_NET_UNIX, '/run/pcscd'), []);
  assert.deepEqual(listeningSocketInodes('', DEFAULT_PCSCD_SOCKET), []);
});

test('libpcsclite.pc: the Version line a pcsc-lite install writes beside the library', () => {
  const pc = [
    'prefix=/var/tmp/pcsc-lite-1.8.26',
    'libdir=$' + '{prefix}/lib',
    'usbdropdir=/usr/lib/pcsc/drivers',
    '',
    'Name: PCSC Lite',
    'Description: PC/SC smart card interface',
    'Version: 1.8.26',
    'Libs: -L$' + '{libdir} -lpcsclite',
  ].join('\n');
  assert.equal(pkgConfigVersion(pc), '1.8.26');
  assert.equal(pkgConfigVersion('Name: PCSC Lite\nDescription: no version\n'), null);
});

test("another user's daemon is named by the absolute path it was started as, never by a bare name looked up on our PATH", () => {
  assert.equal(startedAs('/usr/sbin/pcscd\0--foreground\0--auto-exit\0'), '/usr/sbin/pcscd');
  assert.equal(startedAs('/var/tmp/pcsc-lite-1.8.26/sbin/pcscd\0'), '/var/tmp/pcsc-lite-1.8.26/sbin/pcscd');
  assert.equal(startedAs('pcscd\0-f\0'), null);
  assert.equal(startedAs(''), null);
});

test('a library that cannot be found names no version, and says why', async () => {
  const facts = await pcscStackFacts(false, '/nonexistent/sc-repro/libpcsclite.so.1', {});
  assert.equal(facts.pcscClient, null);
  assert.equal(facts.pcscService, null);
  assert.equal(facts.pcscServiceOrigin, null);
  if (process.platform === 'linux') {
    assert.deepEqual(facts.pcscClientOrigin, { library: '/nonexistent/sc-repro/libpcsclite.so.1', path: null, versionFrom: null });
    assert.match(facts.unavailable.pcscClient ?? '', /^\/nonexistent\/sc-repro\/libpcsclite\.so\.1 was not found/);
  }
  assert.match(facts.unavailable.pcscService ?? '', /did not answer/);
});

test('a service that answered on a socket with no pcscd behind it is named by nothing, not by the pcscd on PATH', {
  skip: process.platform !== 'linux',
}, async () => {
  const socket = '/nonexistent/sc-repro-run/pcscd.comm';
  const facts = await pcscStackFacts(true, null, { PCSCLITE_CSOCK_NAME: socket });
  assert.equal(facts.pcscService, null);
  assert.equal(facts.pcscServiceOrigin, null);
  assert.equal(
    facts.unavailable.pcscService,
    `no pcscd found behind ${socket}: no pid in /nonexistent/sc-repro-run/pcscd.pid, and no process listens on it in this network namespace`,
  );
  assert.equal(facts.unavailable.pcscClient, 'no PC/SC binding loaded');
});

test('the stack facts of another library replace the first ones and their reasons, and nothing else', () => {
  const environment = {
    os: 'Debian GNU/Linux',
    pcscService: 'pcsc-lite version 1.9.9.',
    pcscClient: 'libpcsclite1 1.9.9-2',
    unavailable: { osBuild: 'the OS did not say', pcscClient: 'stale' },
  } as unknown as Environment;
  const merged = withStackFacts(environment, {
    pcscService: null,
    pcscServiceOrigin: null,
    pcscClient: 'libpcsclite 1.8.26',
    pcscClientOrigin: { library: '/p/lib/libpcsclite.so.1', path: '/p/lib/libpcsclite.so.1.0.0', versionFrom: 'pkg-config' },
    unavailable: { pcscService: 'no pcscd found behind /p/run/pcscd.comm' },
  });
  assert.equal(merged.os, 'Debian GNU/Linux');
  assert.equal(merged.pcscService, null);
  assert.equal(merged.pcscClient, 'libpcsclite 1.8.26');
  assert.deepEqual(merged.unavailable, { osBuild: 'the OS did not say', pcscService: 'no pcscd found behind /p/run/pcscd.comm' });
});
