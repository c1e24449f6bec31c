// What to do about an environment failure, per operating system. Platform
// differences live here as data so the commands stay the same everywhere.
type Platform = 'linux' | 'darwin' | 'win32' | 'other';

const HINTS: Record<string, Partial<Record<Platform, string>>> = {
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
    linux: 'insert a card, or with the vpcd reader run `sc-repro virtual-card` in another terminal',
    other: 'insert a card into the reader',
  },
};

const CODE_HINTS: Record<number, keyof typeof HINTS> = {
  0x8010001d: 'noService', // SCARD_E_NO_SERVICE
  0x8010001e: 'noService', // SCARD_E_SERVICE_STOPPED
  0x80100013: 'noService', // SCARD_F_COMM_ERROR
  0x8010002e: 'noReader', // SCARD_E_NO_READERS_AVAILABLE
  0x8010000c: 'noCard', // SCARD_E_NO_SMARTCARD
  0x80100069: 'noCard', // SCARD_W_REMOVED_CARD
};

function currentPlatform(platform: string): Platform {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other';
}

export function hint(kind: keyof typeof HINTS, platform: string = process.platform): string {
  const table = HINTS[kind] ?? {};
  return table[currentPlatform(platform)] ?? table.other ?? '';
}

export function hintFor(code: number, platform: string = process.platform): string | undefined {
  const kind = CODE_HINTS[code >>> 0];
  return kind ? hint(kind, platform) : undefined;
}
