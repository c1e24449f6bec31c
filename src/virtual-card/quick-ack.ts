// vpcd sends each command as two send() calls, the length and then the
// payload, with Nagle's algorithm on: the payload waits for the ACK of the
// length, and Linux delays that ACK by 40 ms unless the receiver asks for
// quick ACKs. Unasked, every vpcd command to the card costs ~44 ms, a
// reset or an insertion several of them. TCP_QUICKACK is Linux's alone and
// does not stick, so it is set again after every read. Elsewhere, or if the
// option cannot be set, the card works the same, only slower.
import { createRequire } from 'node:module';
import type net from 'node:net';

/** <netinet/in.h> and <netinet/tcp.h> on Linux. */
const LINUX = { IPPROTO_TCP: 6, TCP_QUICKACK: 12, libc: 'libc.so.6' } as const;

type SetQuickAck = (fd: number) => void;
let setQuickAck: SetQuickAck | null | undefined;

function loadSetQuickAck(): SetQuickAck | null {
  if (process.platform !== 'linux') return null;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const setsockopt = koffi.load(LINUX.libc).func('int setsockopt(int fd, int level, int name, const int *value, uint32_t length)');
    return (fd) => void setsockopt(fd, LINUX.IPPROTO_TCP, LINUX.TCP_QUICKACK, [1], 4);
  } catch {
    return null;
  }
}

/** Asks for quick ACKs on `socket` now; call again after each read. */
export function quickAck(socket: net.Socket): void {
  setQuickAck ??= loadSetQuickAck();
  // Node keeps the descriptor on its internal handle; no public API exposes it.
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (setQuickAck && typeof fd === 'number' && fd >= 0) setQuickAck(fd);
}
