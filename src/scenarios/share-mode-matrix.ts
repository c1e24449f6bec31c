// The share-mode matrix: holder ∈ {exclusive, shared, direct} × contender ∈
// {exclusive, shared, direct}. Two cells are the named bug scenarios; the rest
// are built here from one table of expectations.
//
// pcsc-lite 1.9.9 (Debian 12, real pcscd), measured: an exclusive holder
// refuses every contender; any holder refuses an exclusive contender; shared
// and direct contenders share with shared and direct holders. Windows and macOS
// expectations are recorded only where the vendor documents them. Microsoft's
// SCardConnect: SCARD_SHARE_EXCLUSIVE is "not willing to share the card with
// other applications", and SCARD_SHARE_DIRECT is "allocating the reader for
// its private use [...] No other applications are allowed access to it": on
// Windows a direct holder refuses every contender, unlike pcsc-lite, where it
// shares. What Windows does to a direct contender beside a shared or
// exclusive holder, the text does not say (it speaks of the direct
// application's own hold), and macOS's direct cells have no reference either:
// those cells are left out there.
import type { ShareMode } from '../pcsc/constants.js';
import { elCapitanScardConnect } from './el-capitan-scardconnect.js';
import { SHARED_CONNECT_BLOCKS, SHARING_VIOLATION, SUCCESS } from './outcomes.js';
import type { PlatformId } from '../platform/platform-id.js';
import type { Outcome, Scenario } from './types.js';
import { yosemiteSharedConnect } from './yosemite-shared-connect.js';

const MODES: ShareMode[] = ['exclusive', 'shared', 'direct'];

const HOLDING = { exclusive: 'exclusively', shared: 'with a shared connection', direct: 'in direct mode' } as const;
const CONNECT = { exclusive: 'Exclusive', shared: 'Shared', direct: 'Direct' } as const;

function expectedCell(holder: ShareMode, contender: ShareMode): Partial<Record<PlatformId, Outcome>> {
  const refused = holder === 'exclusive' || contender === 'exclusive';
  const linux = refused ? SHARING_VIOLATION : SUCCESS;
  if (holder === 'direct') return { 'linux-pcsclite': linux, windows: SHARING_VIOLATION };
  const documented = contender !== 'direct';
  return documented ? { 'linux-pcsclite': linux, macos: linux, windows: linux } : { 'linux-pcsclite': linux };
}

function cell(holder: ShareMode, contender: ShareMode): Scenario {
  if (holder === 'exclusive' && contender === 'shared') return elCapitanScardConnect;
  if (holder === 'shared' && contender === 'shared') return yosemiteSharedConnect;
  return {
    id: `share-${holder}-${contender}`,
    title: `${CONNECT[contender]} connect while another process holds the reader ${HOLDING[holder]}`,
    summary: `SCardConnect(${contender.toUpperCase()}) while another process holds SCARD_SHARE_${holder.toUpperCase()}`,
    holder: { mode: holder },
    contender: { act: [{ call: 'SCardConnect', mode: contender }] },
    judge: { role: 'contender' },
    expected: expectedCell(holder, contender),
    // Yosemite's shared connect also waited for a direct-mode user of the reader.
    signatures: holder === 'direct' && contender === 'shared' ? [SHARED_CONNECT_BLOCKS] : [],
  };
}

export const SHARE_MODE_MATRIX: readonly Scenario[] = MODES.flatMap((holder) => MODES.map((contender) => cell(holder, contender)));
