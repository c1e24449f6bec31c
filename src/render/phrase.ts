// The words of a report, before a format is chosen. A phrase is a list of
// parts: plain words, and values (PC/SC names and codes, commands, ids,
// versions) that markdown sets as code spans and text shows verbatim. The
// describer (report-description.ts) writes phrases; the text and markdown
// renderers only turn each kind of part into their syntax.

export type Part =
  /** Words: a reason, a hint, a label. */
  | string
  /** A value quoted as it is: a code span in markdown, so it greps. */
  | { value: string }
  /** A reader name: any character a driver chose, so each format shows it escaped its own way. */
  | { reader: string }
  /** An address to follow. */
  | { link: string }
  /** Between the lines of a value that spans several (pcscd --version). */
  | { lineBreak: true };

export type Phrase = readonly Part[];

/** A labelled line: `Expected  SCARD_E_SHARING_VIOLATION …` in text, a table row in markdown. */
export interface Labelled {
  label: Phrase;
  value: Phrase;
}

export const value = (text: string): Part => ({ value: text });
export const reader = (name: string): Part => ({ reader: name });

/** A labelled line whose label is plain words. */
export const labelled = (label: string, phrase: Phrase): Labelled => ({ label: [label], value: phrase });

/** The phrase as plain characters, values verbatim: for labels and for the words tests and other describers compare. */
export function plainText(phrase: Phrase): string {
  return phrase
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('value' in part) return part.value;
      if ('reader' in part) return part.reader;
      if ('link' in part) return part.link;
      return '; ';
    })
    .join('');
}
