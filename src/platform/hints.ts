// What to do about a failure, per operating system. Platform differences live
// here as data so the commands stay the same everywhere. Each failure has one
// hint, used wherever that failure is reported.
type Os = 'linux' | 'darwin' | 'win32' | 'other';

const HINTS = {
  noService: {
    linux: 'start the PC/SC daemon: `sudo systemctl start pcscd.socket`, or run `sudo pcscd` (Debian/Ubuntu package: pcscd)',
    darwin: 'PC/SC is built into macOS; check `system_profiler SPSmartCardsDataType` and reconnect the reader',
    win32: 'start the Smart Card service: `sc start SCardSvr` (Services > Smart Card)',
    other: 'start the PC/SC service (pcscd) and try again',
  },
  noReader: {
    linux: 'connect a reader, or use the built-in virtual card: install vsmartcard-vpcd, restart pcscd, and run `sc-repro virtual-card`',
    darwin: 'connect a smart-card reader and check `system_profiler SPSmartCardsDataType`',
    win32: 'connect a smart-card reader and check Device Manager > Smart card readers',
    other: 'connect a smart-card reader',
  },
  noCard: {
    linux: 'insert a card, or for a vpcd reader run `sc-repro virtual-card` in another terminal (with `--port 35964` for "Virtual PCD 00 01")',
    other: 'insert a card into the reader',
  },
  noVpcd: {
    linux: 'install vsmartcard-vpcd and (re)start pcscd so it loads the "Virtual PCD" reader: `bash scripts/setup.sh --start-pcscd`',
    other: 'the built-in virtual card needs the vsmartcard vpcd reader driver, which sc-repro sets up on Linux only',
  },
  vpcdBusy: {
    other: 'stop the other card program on that port (a running `sc-repro virtual-card`, or a test run), or use the other slot: `--port 35964` is "Virtual PCD 00 01"',
  },
  readerBusy: {
    other: 'close the program that holds it (`sc-repro readers` shows the state; for GnuPG: `gpgconf --kill scdaemon`), or raise --timeout',
  },
  slowRole: { other: 'raise --timeout, or check that no other process holds the reader' },
  holderCrashed: { other: 'run `sc-repro lock` by hand to see why' },
  contenderCrashed: { other: 'run `sc-repro connect` by hand to see why' },
  holdTooShort: { other: 'raise --hold so the holder outlasts the attempt' },
  needsCardRemoval: { other: 'run it with --virtual, or on a terminal, where sc-repro asks you to take the card out and put it back' },
} satisfies Record<string, Partial<Record<Os, string>> & { other: string }>;

export type HintKind = keyof typeof HINTS;

/** Return codes that have a hint, by name. */
const CODE_HINTS: Record<string, HintKind> = {
  SCARD_E_NO_SERVICE: 'noService',
  SCARD_E_SERVICE_STOPPED: 'noService',
  SCARD_F_COMM_ERROR: 'noService',
  SCARD_E_NO_READERS_AVAILABLE: 'noReader',
  SCARD_E_NO_SMARTCARD: 'noCard',
  SCARD_W_REMOVED_CARD: 'noCard',
};

function os(platform: string): Os {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other';
}

export function hint(kind: HintKind, platform: string = process.platform): string {
  const table: Partial<Record<Os, string>> & { other: string } = HINTS[kind];
  return table[os(platform)] ?? table.other;
}

export function hintForCode(name: string | null, platform: string = process.platform): string | undefined {
  const kind = name ? CODE_HINTS[name] : undefined;
  return kind ? hint(kind, platform) : undefined;
}
