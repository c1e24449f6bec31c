// The reader's driver for a report: the reader's own attributes (vendor, model,
// firmware version), and the driver the service's configuration loaded for it.
// Read once, after the runs, on a direct connection: it never touches a run.
import { readerAttributes } from '../pcsc/load-binding.js';
import { driverFromConfiguration, type DriverConfiguration } from '../platform/reader-driver.js';

export interface ReaderDriver {
  /** The driver library or bundle, from the service's configuration. */
  name: string | null;
  /** Its version (the package that installed it, or the bundle's). */
  version: string | null;
  /** SCARD_ATTR_VENDOR_NAME, SCARD_ATTR_VENDOR_IFD_TYPE and SCARD_ATTR_VENDOR_IFD_VERSION (major.minor.build). */
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  /** Where each fact came from. */
  sources: string[];
}

/** A C string attribute, without its terminating NUL. */
export function attributeText(value: Buffer | undefined): string | null {
  if (!value?.length) return null;
  const text = value
    .toString('latin1')
    .replace(/\0[\s\S]*$/, '')
    .trim();
  return text || null;
}

/** SCARD_ATTR_VENDOR_IFD_VERSION: a DWORD 0xMMmmbbbb, little-endian. */
export function attributeVersion(value: Buffer | undefined): string | null {
  if (!value || value.length < 4) return null;
  const dword = value.readUInt32LE(0);
  return `${dword >>> 24}.${(dword >>> 16) & 0xff}.${dword & 0xffff}`;
}

/** What the service's configuration says of `reader`: files only, so it may run while the reader is in use. */
export function configuredDriver(reader: string): Promise<DriverConfiguration | null> {
  return driverFromConfiguration(reader).catch(() => null);
}

/** The driver facts, or null and why; `configured` is configuredDriver's answer, started earlier. */
export async function readerDriver(
  reader: string,
  configured: Promise<DriverConfiguration | null> = configuredDriver(reader),
): Promise<{ driver: ReaderDriver | null; reason: string | null }> {
  const [attributes, configuration] = await Promise.all([
    readerAttributes(reader, ['SCARD_ATTR_VENDOR_NAME', 'SCARD_ATTR_VENDOR_IFD_TYPE', 'SCARD_ATTR_VENDOR_IFD_VERSION']).catch(
      () => ({}) as Awaited<ReturnType<typeof readerAttributes>>,
    ),
    configured,
  ]);
  const vendor = attributeText(attributes.SCARD_ATTR_VENDOR_NAME);
  const model = attributeText(attributes.SCARD_ATTR_VENDOR_IFD_TYPE);
  const firmware = attributeVersion(attributes.SCARD_ATTR_VENDOR_IFD_VERSION);
  const fromAttributes = vendor !== null || model !== null || firmware !== null;
  if (!configuration && !fromAttributes) {
    const where =
      process.platform === 'win32'
        ? 'Windows keeps drivers in its device manager'
        : 'no reader.conf entry or driver bundle names this reader';
    return { driver: null, reason: `the reader gave no vendor attributes, and ${where}` };
  }
  return {
    driver: {
      name: configuration?.name ?? null,
      version: configuration?.version ?? null,
      vendor,
      model,
      firmware,
      sources: [...(fromAttributes ? ['reader attributes'] : []), ...(configuration ? [configuration.source] : [])],
    },
    reason: null,
  };
}
