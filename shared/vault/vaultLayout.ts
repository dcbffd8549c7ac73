import type { VaultHeader } from './vaultFormat';

/**
 * The text layout we write (format version 1 is JSON, so any layout reads; this is ours):
 *
 *   {
 *     "header": { ...indented... },
 *     "entries": [
 *       {"ciphertext":"…","iv":"…","metadata":{…},"tag":"…"},
 *       {"ciphertext":"…","iv":"…","metadata":{…},"tag":"…"}
 *     ],
 *     "mac": "…"
 *   }
 *
 * One entry per line, each in its canonical JSON (the form the MAC covers), so a diff shows which
 * secrets changed and the entries text with its line breaks taken out is byte for byte the entries
 * part of the MAC input. A reader then MACs the text it read instead of re-serializing every entry,
 * and a writer reuses the line of every entry it did not change.
 */
const HEAD = '{\n  "header": ';
const ENTRIES = ',\n  "entries": ';
const MAC = ',\n  "mac": ';
const TAIL = '\n}\n';
const FIRST = '[\n    ';
const BETWEEN = ',\n    ';
const LAST = '\n  ]';
const BETWEEN_BYTES = Buffer.from(BETWEEN);
const FIRST_ENTRY = '{"ciphertext":';
const NEWLINE = 0x0a;
const SPACE = 0x20;
/** The spaces after each line break inside the entries (BETWEEN and FIRST). */
const INDENT = 4;

/** A file we laid out, with where its entry lines are, so the next write can copy unchanged ones in one piece. */
export interface LaidOutFile {
  bytes: Buffer;
  /** Offset of the first entry line. */
  firstLine: number;
  /** Offset just past each entry line (lines are separated by `,\n    `). */
  lineEnds: readonly number[];
}

/**
 * The file's bytes: the header indented for people, then one canonical entry line per secret.
 * With `reuse` (a file laid out here whose first `kept` lines are `lines[0..kept)`), those lines
 * are copied from it in one piece: an add copies the old entries at once instead of line by line.
 */
export function layoutVaultFile(header: VaultHeader, lines: readonly Buffer[], mac: string, reuse?: { file: LaidOutFile; kept: number }): LaidOutFile {
  const headerText = JSON.stringify(header, null, 2).replaceAll('\n', '\n  ');
  const head = Buffer.from(`${HEAD}${headerText}${ENTRIES}${lines.length === 0 ? '[]' : FIRST}`);
  const parts: Buffer[] = [head];
  const lineEnds = new Array<number>(lines.length);
  let offset = head.length;
  const kept = reusableLines(lines, reuse);
  if (reuse && kept > 0) {
    const { file } = reuse;
    const shift = offset - file.firstLine;
    for (let i = 0; i < kept; i++) lineEnds[i] = (file.lineEnds[i] as number) + shift;
    offset = lineEnds[kept - 1] as number;
    parts.push(file.bytes.subarray(file.firstLine, file.lineEnds[kept - 1]));
  }
  for (let i = kept; i < lines.length; i++) {
    const line = lines[i] as Buffer;
    if (i > 0) parts.push(BETWEEN_BYTES);
    parts.push(line);
    offset += (i > 0 ? BETWEEN_BYTES.length : 0) + line.length;
    lineEnds[i] = offset;
  }
  const tail = Buffer.from(`${lines.length === 0 ? '' : LAST}${MAC}${JSON.stringify(mac)}${TAIL}`);
  parts.push(tail);
  return { bytes: Buffer.concat(parts, offset + tail.length), firstLine: head.length, lineEnds };
}

/** How many leading lines can be copied from `reuse`: none unless its span has exactly their length. */
function reusableLines(lines: readonly Buffer[], reuse: { file: LaidOutFile; kept: number } | undefined): number {
  if (!reuse) return 0;
  const kept = Math.min(reuse.kept, lines.length, reuse.file.lineEnds.length);
  if (kept === 0) return 0;
  // A cheap guard against a caller's mistake: the span must be these lines and their separators.
  let expected = (kept - 1) * BETWEEN_BYTES.length;
  for (let i = 0; i < kept; i++) expected += (lines[i] as Buffer).length;
  return (reuse.file.lineEnds[kept - 1] as number) - reuse.file.firstLine === expected ? kept : 0;
}

/** The entries' text as read, for checking the MAC on it (see parseVaultText). */
export interface EntriesText {
  text: string;
  /** The same text's bytes, when the file is all ASCII (then bytes and characters correspond one to one). */
  bytes?: Buffer;
}

export interface SplitVaultText {
  /** Exactly what JSON.parse of the whole text gives (see splitVaultText). */
  raw: { header: unknown; entries: unknown; mac: unknown };
  /** The entries' JSON text as found in the file, and where it starts in the text. */
  entriesText: string;
  entriesStart: number;
}

/**
 * Parses a file in our layout piece by piece, keeping the entries' text; undefined for any other
 * text (the caller then parses it whole). When the pieces parse, the text is HEAD + header + ENTRIES
 * + entries + MAC + mac + TAIL with three valid JSON values, i.e. a JSON object with exactly those
 * three members and no others, so the result is the same as JSON.parse of the whole text: the
 * entries text kept here is the text of the entries that are read, whatever markers it may contain.
 */
export function splitVaultText(text: string): SplitVaultText | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL)) return undefined;
  const middle = text.indexOf(ENTRIES, HEAD.length);
  const end = text.lastIndexOf(MAC);
  if (middle < 0 || end < middle + ENTRIES.length || end + MAC.length > text.length - TAIL.length) return undefined;
  const entriesText = text.slice(middle + ENTRIES.length, end);
  try {
    const header: unknown = JSON.parse(text.slice(HEAD.length, middle));
    const mac: unknown = JSON.parse(text.slice(end + MAC.length, text.length - TAIL.length));
    const entries: unknown = JSON.parse(entriesText);
    return { raw: { header, entries, mac }, entriesText, entriesStart: middle + ENTRIES.length };
  } catch {
    return undefined;
  }
}

/**
 * Feeds `sink` the entries' JSON with our line breaks and indentation taken out, and tells whether
 * the text was in our layout (if not, what was fed is of no use). The entries text is valid JSON,
 * in which a raw line break never occurs inside a string, so only whitespace between tokens is
 * taken out: what is fed is the same JSON value. When the entries were written by us it is exactly
 * their canonical JSON, the MAC's input. Works on the bytes when the file is ASCII (no copy).
 */
export function feedCompactEntries(entries: EntriesText, sink: { update(data: Buffer | string): unknown }): boolean {
  if (entries.text === '[]') {
    sink.update('[]');
    return true;
  }
  const { text } = entries;
  if (text.length < FIRST.length + LAST.length || !text.startsWith(FIRST) || !text.endsWith(LAST) || !text.startsWith(FIRST_ENTRY, FIRST.length)) return false;
  if (!entries.bytes) {
    sink.update(`[${text.slice(FIRST.length, text.length - LAST.length).replaceAll(BETWEEN, ',')}]`);
    return true;
  }
  const { bytes } = entries;
  const end = bytes.length - LAST.length;
  sink.update('[');
  for (let start = FIRST.length; ; ) {
    const lineBreak = bytes.indexOf(NEWLINE, start);
    if (lineBreak < 0 || lineBreak >= end) {
      sink.update(bytes.subarray(start, end));
      break;
    }
    // Only a line break followed by our indentation is taken out.
    for (let i = 1; i <= INDENT; i++) if (bytes[lineBreak + i] !== SPACE) return false;
    sink.update(bytes.subarray(start, lineBreak));
    start = lineBreak + 1 + INDENT;
  }
  sink.update(']');
  return true;
}
