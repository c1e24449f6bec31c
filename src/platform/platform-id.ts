// The PC/SC stacks sc-repro knows, by the OS that ships them.
export const PLATFORMS = ['linux-pcsclite', 'macos', 'windows'] as const;
export type PlatformId = (typeof PLATFORMS)[number];

export function platformId(platform: string = process.platform): PlatformId | null {
  if (platform === 'darwin') return 'macos';
  if (platform === 'win32') return 'windows';
  // Every other Unix talks to pcsc-lite.
  return platform === 'linux' || platform.endsWith('bsd') ? 'linux-pcsclite' : null;
}
