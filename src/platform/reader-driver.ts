// Which driver serves a reader, from the configuration the PC/SC service
// loads drivers from: reader.conf entries (serial and virtual readers, name →
// LIBPATH) and driver bundles (USB readers, Info.plist with the names they
// serve and the driver's version). pcsc-lite on Linux and macOS's ifdreader
// use both formats. Windows keeps drivers in its device manager, out of reach
// of a file read: there only the reader's own attributes say anything.
import { join } from 'node:path';
import { entriesOf as namesIn, readText } from './local-files.js';
import { plistValue } from './plist.js';
import { packageOf } from './packages.js';

export interface DriverConfiguration {
  /** The driver library or bundle. */
  name: string;
  version: string | null;
  /** The file that says so. */
  source: string;
}

const LOCATIONS: Partial<Record<NodeJS.Platform, { conf: string[]; bundles: string[] }>> = {
  linux: { conf: ['/etc/reader.conf.d', '/etc/reader.conf'], bundles: ['/usr/lib/pcsc/drivers', '/usr/local/lib/pcsc/drivers'] },
  darwin: {
    conf: ['/etc/reader.conf'],
    bundles: ['/usr/local/libexec/SmartCardServices/drivers', '/usr/libexec/SmartCardServices/drivers'],
  },
};

/** FRIENDLYNAME/LIBPATH pairs of a reader.conf file. */
export function parseReaderConf(text: string): { friendlyName: string; libPath: string }[] {
  const entries: { friendlyName: string; libPath: string }[] = [];
  let friendlyName: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^(FRIENDLYNAME|LIBPATH)\s+(.+)$/.exec(line);
    if (!match) continue;
    const value = match[2]!.replace(/^"(.*)"$/, '$1');
    if (match[1] === 'FRIENDLYNAME') friendlyName = value;
    else if (friendlyName) {
      entries.push({ friendlyName, libPath: value });
      friendlyName = null;
    }
  }
  return entries;
}

/** The names a bundle's Info.plist says its driver serves. */
export function bundleReaderNames(xml: string): string[] {
  const list = /<key>ifdFriendlyName<\/key>\s*(?:<array>([\s\S]*?)<\/array>|<string>([^<]*)<\/string>)/.exec(xml);
  if (!list) return [];
  if (list[2] !== undefined) return [list[2].trim()];
  return [...list[1]!.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]!.trim());
}

/** A reader is named after its entry, plus pcsc-lite's " 00 00" slot suffix (or a longer USB name around it). */
function serves(configured: string, reader: string): boolean {
  return configured !== '' && (reader === configured || reader.startsWith(`${configured} `));
}

async function entriesOf(path: string): Promise<string[]> {
  const names = namesIn(path);
  return names ? names.map((name) => join(path, name)) : [path];
}

/** The driver the service's configuration assigns to `reader`, or null when none names it. */
export async function driverFromConfiguration(
  reader: string,
  platform: NodeJS.Platform = process.platform,
): Promise<DriverConfiguration | null> {
  const where = LOCATIONS[platform];
  if (!where) return null;
  for (const file of (await Promise.all(where.conf.map(entriesOf))).flat()) {
    const text = readText(file);
    const entry = text ? parseReaderConf(text).find((candidate) => serves(candidate.friendlyName, reader)) : undefined;
    if (entry) {
      const name = entry.libPath.split('/').at(-1)!;
      return { name, version: await packageOf(entry.libPath), source: file };
    }
  }
  for (const bundle of (await Promise.all(where.bundles.map(entriesOf))).flat().filter((path) => path.endsWith('.bundle'))) {
    const plist = join(bundle, 'Contents', 'Info.plist');
    const xml = readText(plist);
    if (!xml || !bundleReaderNames(xml).some((name) => serves(name, reader))) continue;
    const name = plistValue(xml, 'CFBundleExecutable') ?? bundle.split('/').at(-1)!;
    return { name, version: plistValue(xml, 'CFBundleShortVersionString') ?? plistValue(xml, 'CFBundleVersion'), source: plist };
  }
  return null;
}
