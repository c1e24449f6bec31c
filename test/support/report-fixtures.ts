// The environment a report records, fixed so that rendering tests compare exact text.
import type { Environment } from '../../src/platform/environment.js';

export const ENVIRONMENT: Environment = {
  os: 'Debian GNU/Linux 12 (bookworm)',
  osVersion: '12 (kernel 6.1.0)',
  platform: 'linux',
  arch: 'x64',
  node: 'v20.20.2',
  scRepro: '0.1.0',
  binding: { name: 'pcsclite', version: '1.0.1', library: 'libpcsclite.so.1', roles: { holder: 'pcsclite', contender: 'pcsclite' } },
  pcscService: 'pcsc-lite 1.9.9',
};
