// Whether what a third party sees on the reader is the roles' own doing. A
// hold that nobody in the run made (GnuPG's scdaemon and browsers keep
// readers open in shared mode; another program may grab a free reader) would
// otherwise be taken for the stack's answer.
import type { ReaderStateFlag, ShareMode } from '../pcsc/constants.js';
import type { Step } from '../scenarios/types.js';

/** The mark a share mode leaves on the reader state, as a third party sees it. */
export const HELD_FLAG = { exclusive: 'EXCLUSIVE', shared: 'INUSE', direct: 'INUSE' } as const;

/** The handles the roles have open on the reader at one moment of a run. */
export interface RoleHandles {
  holder: ShareMode | null;
  contender: ShareMode | null;
}

export const NO_HANDLES: RoleHandles = { holder: null, contender: null };

/** The share mode of the handle a role still has after `steps`, or null when it has none. */
export function handleAfter(steps: readonly Step[]): ShareMode | null {
  let mode: ShareMode | null = null;
  for (const step of steps) {
    if (step.call === 'SCardConnect') mode = step.mode;
    else if (step.call === 'SCardDisconnect') mode = null;
  }
  return mode;
}

/**
 * The mark on the reader that the roles' handles do not explain, or null.
 * Only what shows can be accounted for: another process's shared handle
 * beside a role's own shared one leaves the same INUSE, and a stack that
 * shows no share mode at all hides every hold. Any handle of a role explains
 * INUSE, an exclusive one too: a stack may show an exclusive hold as INUSE
 * (what CryptoTokenKit's PC/SC shows is not documented), and beside a role's
 * exclusive handle no other process can have one on a stack that keeps the
 * share modes, so that INUSE is the role's.
 */
export function unexplainedMark(flags: readonly ReaderStateFlag[], handles: RoleHandles): 'EXCLUSIVE' | 'INUSE' | null {
  const modes = [handles.holder, handles.contender].filter((mode): mode is ShareMode => mode !== null);
  if (flags.includes('EXCLUSIVE') && !modes.includes('exclusive')) return 'EXCLUSIVE';
  if (flags.includes('INUSE') && modes.length === 0) return 'INUSE';
  return null;
}

/**
 * Whether a mark may still be one of the handles the roles have just closed,
 * which the reader state can take a moment to drop. Any other mark is
 * another process's at once: EXCLUSIVE right after a contender was refused
 * its exclusive connect is the handle that refused it.
 */
export function mayBeClosedHandle(mark: 'EXCLUSIVE' | 'INUSE', closed: readonly ShareMode[]): boolean {
  return mark === 'EXCLUSIVE' ? closed.includes('exclusive') : closed.length > 0;
}

/**
 * Whether what a third party saw on the held reader is the holder's handle
 * alone on a stack that cannot show its share mode: the card there (PRESENT,
 * and no EMPTY, MUTE, UNAVAILABLE or UNKNOWN), and no mark of a stronger
 * hold than the holder's. For an exclusive holder INUSE is such a stack's
 * way of showing it; EXCLUSIVE beside a shared or direct holder is a
 * different holder than ours. The flags of a hold the third party does see
 * (HELD_FLAG) are not asked about here.
 */
export function holdUnseen(flags: readonly ReaderStateFlag[], mode: ShareMode): boolean {
  const cardThere = flags.includes('PRESENT') && !flags.some((flag) => CARD_NOT_THERE.has(flag));
  const marks = flags.filter((flag) => flag === 'EXCLUSIVE' || flag === 'INUSE');
  return cardThere && marks.every((mark) => mark === 'INUSE' && mode === 'exclusive');
}

const CARD_NOT_THERE: ReadonlySet<ReaderStateFlag> = new Set(['EMPTY', 'MUTE', 'UNAVAILABLE', 'UNKNOWN']);
