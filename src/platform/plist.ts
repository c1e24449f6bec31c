// Apple's XML property lists, for the few string keys sc-repro reads (versions of bundles).
/** A value of an XML property list, for the few keys read here. */
export function plistValue(xml: string, key: string): string | null {
  const match = new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(xml);
  return match ? match[1]!.trim() : null;
}
