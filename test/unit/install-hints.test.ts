// Hints follow the way sc-repro was installed: a clone's scripts and npm in
// its folder for a clone; for a global or npx install, commands that reach it
// from anywhere. Every path here is made up, POSIX and Windows alike, so the
// outcome does not depend on where the tests run from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix, win32 } from 'node:path';
import { classifyInstall, type Install } from '../../src/platform/install.js';
import { HINT_KINDS, hint, type HintContext } from '../../src/platform/hints.js';
import { scReproVersion } from '../../src/core/version.js';

/** An `exists` over a fixed set of files. */
const files =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

test('a source tree is a clone wherever it is, and wherever a link to it points', () => {
  assert.deepEqual(classifyInstall('/home/ana/src/sc-repro', files('/home/ana/src/sc-repro/scripts/setup.sh'), posix), {
    kind: 'clone',
    root: '/home/ana/src/sc-repro',
  });
  // The clone's check wins over where it sits: a source tree inside a project's node_modules (a file: dependency copied there) has the scripts.
  assert.deepEqual(
    classifyInstall('/w/app/node_modules/sc-repro', files('/w/app/node_modules/sc-repro/scripts/setup.sh', '/w/app/package.json'), posix),
    {
      kind: 'clone',
      root: '/w/app/node_modules/sc-repro',
    },
  );
  assert.deepEqual(classifyInstall('C:\\src\\sc-repro', files('C:\\src\\sc-repro\\scripts\\setup.sh'), win32), {
    kind: 'clone',
    root: 'C:\\src\\sc-repro',
  });
});

test('npm install -g: a prefix with no package.json beside its node_modules, on Linux, macOS and Windows', () => {
  assert.deepEqual(classifyInstall('/usr/local/lib/node_modules/sc-repro', files(), posix), { kind: 'global' });
  assert.deepEqual(classifyInstall('/home/ana/.npm-global/lib/node_modules/sc-repro', files('/home/ana/package.json'), posix), {
    kind: 'global',
  });
  assert.deepEqual(classifyInstall('/opt/homebrew/lib/node_modules/other-tool/node_modules/sc-repro', files(), posix), { kind: 'global' });
  assert.deepEqual(classifyInstall('C:\\Users\\ana\\AppData\\Roaming\\npm\\node_modules\\sc-repro', files(), win32), { kind: 'global' });
});

test('npx: its cache folder, the one to delete for a fresh install', () => {
  assert.deepEqual(classifyInstall('/home/ana/.npm/_npx/6c9b4f1d2e/node_modules/sc-repro', files(), posix), {
    kind: 'npx',
    cache: '/home/ana/.npm/_npx/6c9b4f1d2e',
  });
  assert.deepEqual(classifyInstall('C:\\Users\\ana\\AppData\\Local\\npm-cache\\_npx\\6c9b4f1d2e\\node_modules\\sc-repro', files(), win32), {
    kind: 'npx',
    cache: 'C:\\Users\\ana\\AppData\\Local\\npm-cache\\_npx\\6c9b4f1d2e',
  });
});

test('a dependency of a project: the project folder, above the outermost node_modules (nested and pnpm copies too)', () => {
  assert.deepEqual(classifyInstall('/w/app/node_modules/sc-repro', files('/w/app/package.json'), posix), {
    kind: 'project',
    dir: '/w/app',
  });
  assert.deepEqual(
    classifyInstall(
      '/w/app/node_modules/tool/node_modules/sc-repro',
      files('/w/app/package.json', '/w/app/node_modules/tool/package.json'),
      posix,
    ),
    {
      kind: 'project',
      dir: '/w/app',
    },
  );
  assert.deepEqual(classifyInstall('/w/app/node_modules/.pnpm/sc-repro@0.1.0/node_modules/sc-repro', files('/w/app/package.json'), posix), {
    kind: 'project',
    dir: '/w/app',
  });
  // An unpacked package with its own node_modules and no scripts/.
  assert.deepEqual(classifyInstall('/tmp/package', files('/tmp/package/package.json'), posix), { kind: 'project', dir: '/tmp/package' });
});

const PLATFORMS = ['linux', 'darwin', 'win32', 'freebsd'];
const CLONE_ONLY = /scripts\/|npm ci\b|npm rebuild pcsclite/;

test('a global or npx install is never told to use a clone’s scripts, npm ci, or an npm rebuild that does not reach it', () => {
  const installed: Install[] = [{ kind: 'global' }, { kind: 'npx', cache: '/home/ana/.npm/_npx/6c9b4f1d2e' }];
  for (const install of installed) {
    for (const cwd of ['/home/ana', '/usr/local/lib/node_modules/sc-repro']) {
      for (const platform of PLATFORMS) {
        for (const kind of HINT_KINDS)
          assert.doesNotMatch(hint(kind, platform, { install, cwd }), CLONE_ONLY, `${install.kind} ${platform} ${kind}`);
      }
    }
  }
});

test('global: the apt line itself, npm rebuild -g, and the README’s install again', () => {
  const global: HintContext = { install: { kind: 'global' }, cwd: '/home/ana' };
  assert.equal(
    hint('noVpcd', 'linux', global),
    'install vsmartcard-vpcd and restart pcscd so it loads the "Virtual PCD" reader: `sudo apt install pcscd vsmartcard-vpcd`, then `sudo systemctl restart pcscd`',
  );
  assert.equal(hint('addonBroken', 'linux', global), 'use `--binding ffi`, or run `npm rebuild -g pcsclite` (needs a C++ toolchain)');
  const reinstall = `\`npm install -g ./sc-repro-${scReproVersion()}.tgz\`, from the folder that holds the package`;
  assert.equal(
    hint('addonMissing', 'win32', global),
    `use \`--binding ffi\`, or install a C++ toolchain and reinstall sc-repro: ${reinstall}`,
  );
  assert.equal(hint('koffiMissing', 'darwin', global), `reinstall sc-repro: ${reinstall}`);
});

test('npx: delete its cache folder, or --binding ffi', () => {
  const npx: HintContext = { install: { kind: 'npx', cache: '/home/ana/.npm/_npx/6c9b4f1d2e' }, cwd: '/home/ana' };
  assert.equal(
    hint('koffiMissing', 'linux', npx),
    'reinstall sc-repro: delete /home/ana/.npm/_npx/6c9b4f1d2e, and npx installs it afresh on its next run',
  );
  assert.match(
    hint('addonBroken', 'linux', npx),
    /^use `--binding ffi`, or install a C\+\+ toolchain and delete \/home\/ana\/\.npm\/_npx\/6c9b4f1d2e,/,
  );
});

test('a clone: its own scripts and npm commands, with the folder named when the person is elsewhere', () => {
  const inside: HintContext = { install: { kind: 'clone', root: '/home/ana/src/sc-repro' }, cwd: '/home/ana/src/sc-repro' };
  assert.equal(
    hint('noVpcd', 'linux', inside),
    'install vsmartcard-vpcd and (re)start pcscd so it loads the "Virtual PCD" reader: `bash scripts/setup.sh --start-pcscd`',
  );
  assert.equal(hint('addonBroken', 'linux', inside), 'run `npm rebuild pcsclite` (needs a C++ toolchain), or use `--binding ffi`');
  assert.equal(hint('koffiMissing', 'linux', inside), 'reinstall sc-repro: `npm ci`');
  const elsewhere: HintContext = { install: { kind: 'clone', root: "/home/ana/my tools/ana's sc-repro" }, cwd: '/tmp' };
  assert.equal(
    hint('noVpcd', 'linux', elsewhere),
    `install vsmartcard-vpcd and (re)start pcscd so it loads the "Virtual PCD" reader: \`bash '/home/ana/my tools/ana'\\''s sc-repro/scripts/setup.sh' --start-pcscd\``,
  );
  assert.equal(
    hint('addonBroken', 'linux', elsewhere),
    "run `npm rebuild pcsclite` in /home/ana/my tools/ana's sc-repro (needs a C++ toolchain), or use `--binding ffi`",
  );
  assert.equal(hint('koffiMissing', 'linux', elsewhere), "reinstall sc-repro: `npm ci` in /home/ana/my tools/ana's sc-repro");
  // The virtual reader is set up on Linux only: other systems are told so, clone or not.
  assert.doesNotMatch(hint('noVpcd', 'darwin', inside), /scripts\//);
});

test('a project dependency: npm in the project folder', () => {
  const project: HintContext = { install: { kind: 'project', dir: '/w/app' }, cwd: '/w/app/src' };
  assert.equal(
    hint('addonBroken', 'linux', project),
    'run `npm rebuild pcsclite` in /w/app (needs a C++ toolchain), or use `--binding ffi`',
  );
  assert.equal(hint('koffiMissing', 'linux', project), 'reinstall sc-repro: `npm install` in /w/app');
  assert.doesNotMatch(hint('noVpcd', 'linux', project), /scripts\//);
});

test('hints that do not depend on the install stay plain text', () => {
  const contexts: HintContext[] = [
    { install: { kind: 'global' }, cwd: '/' },
    { install: { kind: 'clone', root: '/c' }, cwd: '/' },
  ];
  for (const kind of ['noService', 'noReader', 'readerBusy', 'holdTooShort'] as const) {
    assert.equal(hint(kind, 'linux', contexts[0]), hint(kind, 'linux', contexts[1]));
  }
});
