import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debugLogHint, linuxRelease, parseOsRelease } from '../../src/platform/environment.js';
import { parsePcscdVersion } from '../../src/platform/pcsc-stack.js';
import { plistValue } from '../../src/platform/plist.js';
import { bundleReaderNames, parseReaderConf } from '../../src/platform/reader-driver.js';
import { hasLine, pcscPackagesInStatus, versionInStatus } from '../../src/platform/packages.js';
import { attributeText, attributeVersion } from '../../src/orchestrator/reader-driver.js';
import { hint, hintForCode } from '../../src/platform/hints.js';
import { decodeReaderState, formatAtr } from '../../src/pcsc/constants.js';

test('os-release fields', () => {
  const fields = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
  assert.equal(fields.PRETTY_NAME, 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(fields.VERSION_ID, '12');
  assert.equal(fields.ID, 'debian');
});

test('a Linux release is named once: NAME and VERSION, then the kernel', () => {
  const debian = parseOsRelease(
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\n',
  );
  assert.deepEqual(linuxRelease(debian, '6.1.0-18-amd64'), { os: 'Debian GNU/Linux', osVersion: '12 (bookworm), kernel 6.1.0-18-amd64' });
  const fedora = parseOsRelease('NAME="Fedora Linux"\nVERSION_ID=40\n');
  assert.deepEqual(linuxRelease(fedora, '6.8.5'), { os: 'Fedora Linux', osVersion: '40, kernel 6.8.5' });
  // Arch is rolling: no version at all.
  assert.deepEqual(linuxRelease(parseOsRelease('NAME="Arch Linux"\nBUILD_ID=rolling\n'), '6.9.1-arch1-1'), {
    os: 'Arch Linux',
    osVersion: 'kernel 6.9.1-arch1-1',
  });
  assert.deepEqual(linuxRelease({}, '6.1.0'), { os: 'Linux', osVersion: 'kernel 6.1.0' });
});

test('pcscd --version: the version, the features and the limits, without copyright and bug-report lines', () => {
  const output = [
    'pcsc-lite version 1.9.9.',
    'Copyright (C) 1999-2002 by David Corcoran <corcoran@musclecard.com>.',
    'Copyright (C) 2001-2022 by Ludovic Rousseau <ludovic.rousseau@free.fr>.',
    'Report bugs to <pcsclite-muscle@lists.infradead.org>.',
    'Enabled features: Linux x86_64-pc-linux-gnu libsystemd serial usb libudev usbdropdir=/usr/lib/pcsc/drivers',
    'MAX_READERNAME: 128, PCSCLITE_MAX_READERS_CONTEXTS: 16',
  ].join('\n');
  assert.equal(
    parsePcscdVersion(output),
    'pcsc-lite version 1.9.9.\nEnabled features: Linux x86_64-pc-linux-gnu libsystemd serial usb libudev usbdropdir=/usr/lib/pcsc/drivers\nMAX_READERNAME: 128, PCSCLITE_MAX_READERS_CONTEXTS: 16',
  );
  assert.equal(parsePcscdVersion('pcscd: command not found'), null);
  assert.equal(parsePcscdVersion(null), null);
});

test('driver configuration: reader.conf entries and bundle names', () => {
  const conf =
    '# vpcd\nFRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\n#FRIENDLYNAME "commented"\n#LIBPATH /nope.so\n';
  assert.deepEqual(parseReaderConf(conf), [{ friendlyName: 'Virtual PCD', libPath: '/usr/lib/pcsc/drivers/serial/libifdvpcd.so' }]);
  const plist =
    '<dict><key>CFBundleExecutable</key>\n<string>libccid.so</string><key>CFBundleShortVersionString</key> <string>1.5.2</string><key>ifdFriendlyName</key><array>\n<string>ACS ACR 38U-CCID</string>\n<string>Gemalto PC Twin Reader</string></array></dict>';
  assert.deepEqual(bundleReaderNames(plist), ['ACS ACR 38U-CCID', 'Gemalto PC Twin Reader']);
  assert.equal(plistValue(plist, 'CFBundleShortVersionString'), '1.5.2');
  assert.equal(plistValue(plist, 'CFBundleExecutable'), 'libccid.so');
  assert.equal(plistValue(plist, 'Missing'), null);
});

test('reader attributes: C strings without their NUL, and the IFD version DWORD as major.minor.build', () => {
  assert.equal(attributeText(Buffer.from('Gemalto\0')), 'Gemalto');
  assert.equal(attributeText(Buffer.from('\0')), null);
  assert.equal(attributeText(undefined), null);
  const version = Buffer.alloc(4);
  version.writeUInt32LE(0x01050002);
  assert.equal(attributeVersion(version), '1.5.2');
  assert.equal(attributeVersion(Buffer.alloc(2)), null);
});

test('the debug-log hint is per OS', () => {
  assert.match(debugLogHint('linux'), /pcscd --foreground --debug --apdu/);
  assert.match(debugLogHint('darwin'), /com\.apple\.security\.smartcard Logging -bool yes/);
  assert.match(debugLogHint('win32'), /Event Viewer/);
});

test('no-service hints differ per OS', () => {
  assert.match(hintForCode('SCARD_E_NO_SERVICE', 'linux')!, /pcscd/);
  assert.match(hintForCode('SCARD_E_SERVICE_STOPPED', 'darwin')!, /built into macOS/);
  assert.match(hintForCode('SCARD_E_NO_SERVICE', 'win32')!, /SCardSvr/);
  assert.match(hint('noCard', 'win32'), /insert a card/);
  assert.equal(hintForCode('SCARD_E_SHARING_VIOLATION', 'linux'), undefined);
  assert.equal(hintForCode(null, 'linux'), undefined);
});

test('Windows: the Smart Card service runs only while a reader is attached (Windows 8 on), so the hints say connect the reader first', () => {
  const noService = hintForCode('SCARD_E_NO_SERVICE', 'win32')!;
  // The first thing to do is to attach a reader; starting the service by hand is for Windows 7 and earlier.
  assert.match(noService, /^connect a smart-card reader/);
  assert.match(noService, /from Windows 8 .*runs only while a reader is attached/);
  assert.match(noService, /On Windows 7 and earlier: `sc start SCardSvr`$/);
  const stopped = hintForCode('SCARD_E_SERVICE_STOPPED', 'win32')!;
  assert.match(stopped, /stops when the last reader is removed/);
  assert.match(stopped, /Reconnect the reader, wait for the service to start, and re-run/);
  assert.notEqual(stopped, noService);
  assert.equal(hint('serviceStopped', 'win32'), stopped);
  // pcsc-lite has one cause for SCARD_E_SERVICE_STOPPED: pcscd and libpcsclite of different protocol versions.
  assert.match(hintForCode('SCARD_E_SERVICE_STOPPED', 'linux')!, /different protocol versions/);
  assert.doesNotMatch(hintForCode('SCARD_E_NO_SERVICE', 'linux')!, /Windows|SCardSvr/);
  assert.match(hintForCode('SCARD_E_SERVICE_STOPPED', 'freebsd')!, /PC\/SC service stopped/);
});

test('reader state bits', () => {
  // pcsc-lite puts an event counter in the high word; CHANGED is about the event.
  assert.deepEqual(decodeReaderState(0x000100a2), ['PRESENT', 'EXCLUSIVE']);
  assert.deepEqual(decodeReaderState(0x12), ['EMPTY']);
  assert.deepEqual(decodeReaderState(0x0322), ['PRESENT', 'INUSE', 'MUTE']);
  assert.equal(formatAtr(Buffer.from([0x3b, 0x80, 0x80, 0x01, 0x01])), '3B 80 80 01 01');
  assert.equal(formatAtr(Buffer.alloc(0)), null);
});

test("installed packages' versions from dpkg's status file", () => {
  const status = [
    'Package: libpcsclite1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.9.9-2\n',
    'Package: removed-driver\nStatus: deinstall ok config-files\nVersion: 0.1\n',
    'Package: vsmartcard-vpcd\nStatus: install ok installed\nVersion: 3.3+dfsg-2\nDescription: x\n',
  ].join('\n');
  assert.equal(versionInStatus(status, 'libpcsclite1'), '1.9.9-2');
  assert.equal(versionInStatus(status, 'vsmartcard-vpcd'), '3.3+dfsg-2');
  assert.equal(versionInStatus(status, 'removed-driver'), null);
  assert.equal(versionInStatus(status, 'vsmartcard'), null);
  // The file lists worth reading: installed PC/SC packages only, under either name dpkg may give the list.
  assert.deepEqual(pcscPackagesInStatus(`${status}\nPackage: libc6\nStatus: install ok installed\nArchitecture: amd64\n`), [
    { name: 'libpcsclite1', lists: ['libpcsclite1:amd64.list', 'libpcsclite1.list'] },
    { name: 'vsmartcard-vpcd', lists: ['vsmartcard-vpcd.list'] },
  ]);
});

test("a file in a package's file list: whole lines only", () => {
  const list = '/.\n/usr/lib/libpcsclite.so.1.0.0\n/usr/lib/libpcsclite.so.1\n';
  assert.equal(hasLine(list, '/usr/lib/libpcsclite.so.1'), true);
  assert.equal(hasLine(list, '/usr/lib/libpcsclite.so.1.0.0'), true);
  assert.equal(hasLine(list, '/usr/lib/libpcsclite.so'), false);
  assert.equal(hasLine(list, 'lib/libpcsclite.so.1'), false);
  assert.equal(hasLine(list, '/.'), true);
  assert.equal(hasLine('/a\n/b', '/b'), true);
});
