// What to do about a failure, per operating system and per kind of install.
// Platform differences live here as data so the commands stay the same
// everywhere. Each failure has one hint, used wherever that failure is
// reported, and each hint is a command that exists for its reader: a clone's
// scripts only in a clone, npm run in the folder it reaches.
import { join, resolve } from 'node:path';
import { scReproVersion } from '../core/version.js';
import { thisInstall, type Install } from './install.js';

type Os = 'linux' | 'darwin' | 'win32' | 'other';

/** Where the hint is read: how sc-repro was installed, and the folder the person is in. */
export interface HintContext {
  install: Install;
  cwd: string;
}

type Text = string | ((context: HintContext) => string);

/** " in <dir>", unless the person is there already. */
function inFolder(dir: string, cwd: string): string {
  return resolve(dir) === resolve(cwd) ? '' : ` in ${dir}`;
}

/** A path as one POSIX shell word (the clone's scripts are bash). */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** What reinstalls sc-repro and its dependencies where it is. */
function reinstall({ install, cwd }: HintContext): string {
  switch (install.kind) {
    case 'clone':
      return `\`npm ci\`${inFolder(install.root, cwd)}`;
    case 'project':
      return `\`npm install\`${inFolder(install.dir, cwd)}`;
    case 'global':
      // The README's install, again: npm records no origin for a global package.
      return `\`npm install -g ./sc-repro-${scReproVersion()}.tgz\`, from the folder that holds the package`;
    case 'npx':
      return `delete ${install.cache}, and npx installs it afresh on its next run`;
  }
}

/** The virtual reader on Debian/Ubuntu: the clone's setup script, or the apt line it runs. */
function vpcdSetup({ install, cwd }: HintContext): string {
  if (install.kind === 'clone') {
    const script = resolve(install.root) === resolve(cwd) ? 'scripts/setup.sh' : shellWord(join(install.root, 'scripts', 'setup.sh'));
    return `install vsmartcard-vpcd and (re)start pcscd so it loads the "Virtual PCD" reader: \`bash ${script} --start-pcscd\``;
  }
  return 'install vsmartcard-vpcd and restart pcscd so it loads the "Virtual PCD" reader: `sudo apt install pcscd vsmartcard-vpcd`, then `sudo systemctl restart pcscd`';
}

/** The pcsclite addon is there but its native build is missing or was made for another Node.js. */
function addonBroken(context: HintContext): string {
  const { install, cwd } = context;
  switch (install.kind) {
    case 'clone':
      return `run \`npm rebuild pcsclite\`${inFolder(install.root, cwd)} (needs a C++ toolchain), or use \`--binding ffi\``;
    case 'project':
      return `run \`npm rebuild pcsclite\`${inFolder(install.dir, cwd)} (needs a C++ toolchain), or use \`--binding ffi\``;
    case 'global':
      return 'use `--binding ffi`, or run `npm rebuild -g pcsclite` (needs a C++ toolchain)';
    case 'npx':
      return `use \`--binding ffi\`, or install a C++ toolchain and ${reinstall(context)}`;
  }
}

const HINTS = {
  noService: {
    linux: 'start the PC/SC daemon: `sudo systemctl start pcscd.socket`, or run `sudo pcscd` (Debian/Ubuntu package: pcscd)',
    darwin: 'PC/SC is built into macOS; check `system_profiler SPSmartCardsDataType` and reconnect the reader',
    // From Windows 8 the Smart Card service starts when a reader is connected and stops when the last one is removed (and a minute after
    // the last call when none is attached); where no reader was ever connected it does not start at all. Microsoft, "What's New in Smart
    // Cards" (Windows 8 / Windows Server 2012), "Smart Card Service start and stop behavior", quoted in Ludovic Rousseau's "Windows PC/SC
    // and SCARD_E_SERVICE_STOPPED (part 2)", 2021-12-27 (ludovicrousseau.blogspot.com/2021/12/, now on blog.apdu.fr); pyscard issue 87
    // (github.com/LudovicRousseau/pyscard/issues/87: SCARD_E_NO_SERVICE once the reader is unplugged). A service started by hand stops again.
    win32:
      'connect a smart-card reader and wait a few seconds: from Windows 8 the Smart Card service (SCardSvr) runs only while a reader is attached, ' +
      'so `sc start SCardSvr` does not help; if it still does not start, check that it is not disabled (Services > Smart Card). ' +
      'On Windows 7 and earlier: `sc start SCardSvr`',
    other: 'start the PC/SC service (pcscd) and try again',
  },
  serviceStopped: {
    // pcsc-lite answers SCARD_E_SERVICE_STOPPED only when pcscd and libpcsclite speak different versions of their protocol
    // (Ludovic Rousseau, "FAQ: pcsc-lite and SCARD_E_SERVICE_STOPPED error", blog.apdu.fr/posts/2023/04/faq-pcsc-lite-and-scardeservicestopped/).
    linux:
      'pcscd and the PC/SC client library speak different protocol versions: two pcsc-lite installs (one in /usr/local?) or a flatpak sandbox; keep one',
    darwin: 'PC/SC is built into macOS; check `system_profiler SPSmartCardsDataType` and reconnect the reader',
    // From Windows 8 the service stops with the last reader (see noService), and every context open then gets this code.
    win32:
      'the Smart Card service (SCardSvr) stopped: from Windows 8 it stops when the last reader is removed. ' +
      'Reconnect the reader, wait for the service to start, and re-run; on Windows 7 and earlier: `sc start SCardSvr`',
    other: 'the PC/SC service stopped: start it again (pcscd) and re-run',
  },
  noReader: {
    linux: 'connect a reader, or use the built-in virtual card: install vsmartcard-vpcd, restart pcscd, and run `sc-repro virtual-card`',
    darwin: 'connect a smart-card reader and check `system_profiler SPSmartCardsDataType`',
    win32: 'connect a smart-card reader and check Device Manager > Smart card readers',
    other: 'connect a smart-card reader',
  },
  noCard: {
    linux:
      'insert a card, or for a vpcd reader run `sc-repro virtual-card` in another terminal (with `--port 35964` for "Virtual PCD 00 01")',
    other: 'insert a card into the reader',
  },
  noVpcd: {
    linux: vpcdSetup,
    other: 'the built-in virtual card needs the vsmartcard vpcd reader driver, which sc-repro sets up on Linux only',
  },
  vpcdBusy: {
    other:
      'stop the other card program on that port (a running `sc-repro virtual-card`, or a test run), or use the other slot: `--port 35964` is "Virtual PCD 00 01"',
  },
  // For --virtual: its reader is "Virtual PCD 00 00", so the other slot is no way out, while the other program's card is.
  vpcdBusyForRun: {
    other:
      'stop the other card program on that port (a running `sc-repro virtual-card`, or a test run), or run on the card it serves: `--reader "Virtual PCD 00 00"` instead of --virtual',
  },
  readerBusy: {
    other: 'close the program that holds it (`sc-repro readers` shows the state; for GnuPG: `gpgconf --kill scdaemon`), or raise --timeout',
  },
  slowRole: { other: 'raise --timeout, or check that no other process holds the reader' },
  holderCrashed: { other: 'run `sc-repro lock` by hand to see why' },
  contenderCrashed: { other: 'run `sc-repro connect` by hand to see why' },
  holdTooShort: { other: 'raise --hold so the holder outlasts the attempt' },
  needsCardRemoval: { other: 'run it with --virtual, or on a terminal, where sc-repro asks you to take the card out and put it back' },
  addonBroken: { other: addonBroken },
  addonMissing: { other: (context) => `use \`--binding ffi\`, or install a C++ toolchain and reinstall sc-repro: ${reinstall(context)}` },
  koffiMissing: { other: (context) => `reinstall sc-repro: ${reinstall(context)}` },
} satisfies Record<string, Partial<Record<Os, Text>> & { other: Text }>;

export type HintKind = keyof typeof HINTS;

export const HINT_KINDS = Object.keys(HINTS) as HintKind[];

/** Return codes that have a hint, by name. */
const CODE_HINTS: Record<string, HintKind> = {
  SCARD_E_NO_SERVICE: 'noService',
  SCARD_E_SERVICE_STOPPED: 'serviceStopped',
  SCARD_F_COMM_ERROR: 'noService',
  SCARD_E_NO_READERS_AVAILABLE: 'noReader',
  SCARD_E_NO_SMARTCARD: 'noCard',
  SCARD_W_REMOVED_CARD: 'noCard',
};

function os(platform: string): Os {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other';
}

function here(): HintContext {
  let cwd = '.';
  try {
    cwd = process.cwd();
  } catch {
    // The folder was deleted under the process: every path is then named in full.
  }
  return { install: thisInstall(), cwd };
}

export function hint(kind: HintKind, platform: string = process.platform, context?: HintContext): string {
  const table: Partial<Record<Os, Text>> & { other: Text } = HINTS[kind];
  const text = table[os(platform)] ?? table.other;
  return typeof text === 'string' ? text : text(context ?? here());
}

export function hintForCode(name: string | null, platform: string = process.platform, context?: HintContext): string | undefined {
  const kind = name ? CODE_HINTS[name] : undefined;
  return kind ? hint(kind, platform, context) : undefined;
}
