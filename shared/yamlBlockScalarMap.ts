import type { CST } from 'yaml';

/**
 * The block scalar (`|`, `>`) part of yamlScalarMap.ts: walks the body exactly as `yaml`'s
 * resolve-block-scalar.js does, recording where each decoded character came from.
 */

/** Decoded text and, per UTF-16 unit, the source span it came from. */
export class Builder {
  value = '';
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  /** Decoded text produced by the source span [from, to). */
  add(text: string, from: number, to: number): void {
    this.value += text;
    for (let unit = 0; unit < text.length; unit++) {
      this.starts.push(from);
      this.ends.push(to);
    }
  }

  /** Source text copied as is, starting at `from`. */
  copy(text: string, from: number): void {
    this.value += text;
    for (let unit = 0; unit < text.length; unit++) {
      this.starts.push(from + unit);
      this.ends.push(from + unit + 1);
    }
  }
}

/** The header line's length: indicator, spaces, comment and line break. */
export function blockHeaderLength(token: CST.BlockScalar): number {
  return token.props.reduce((sum, prop) => sum + ('source' in prop && typeof prop.source === 'string' ? prop.source.length : 0), 0);
}

interface BlockLine {
  indent: string;
  content: string;
  /** Offset of the line's first character. */
  start: number;
}

/** Mirrors `resolveBlockScalar` (header, indentation, folding and chomping). */
export function blockScalar(text: string, token: CST.BlockScalar): Builder | undefined {
  const header = token.props[0];
  if (!header || header.type !== 'block-scalar-header') return undefined;
  const mode = header.source[0];
  let explicitIndent = 0;
  let chomp = '';
  for (const ch of header.source.slice(1)) {
    if (!chomp && (ch === '-' || ch === '+')) chomp = ch;
    else if (!explicitIndent && Number(ch)) explicitIndent = Number(ch);
  }
  const bodyStart = token.offset + blockHeaderLength(token);
  const source = token.source;
  if (!text.startsWith(source, bodyStart)) return undefined;
  const out = new Builder();
  if (!source) return out;

  const lines: BlockLine[] = [];
  let from = 0;
  for (;;) {
    const newline = source.indexOf('\n', from);
    const raw = newline < 0 ? source.slice(from) : source.slice(from, newline);
    const indentLength = raw.length - raw.replace(/^ +/, '').length;
    lines.push({ indent: raw.slice(0, indentLength), content: raw.slice(indentLength), start: bodyStart + from });
    if (newline < 0) break;
    from = newline + 1;
  }
  const breakOf = (line: BlockLine) => line.start + line.indent.length + line.content.length;
  const isEmpty = (line: BlockLine) => line.content === '' || line.content === '\r';

  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0 && isEmpty(lines[i] as BlockLine); --i) chompStart = i;
  if (chompStart === 0) {
    if (chomp === '+' && lines.length > 0) {
      const last = lines[lines.length - 1] as BlockLine;
      out.add('\n'.repeat(Math.max(1, lines.length - 1)), bodyStart, breakOf(last));
    }
    return out;
  }

  let trimIndent = token.indent + explicitIndent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const line = lines[i] as BlockLine;
    if (isEmpty(line)) {
      if (explicitIndent === 0 && line.indent.length > trimIndent) trimIndent = line.indent.length;
    } else {
      if (explicitIndent === 0) trimIndent = line.indent.length;
      contentStart = i;
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if ((lines[i] as BlockLine).indent.length > trimIndent) chompStart = i + 1;
  }

  const copyIndent = (line: BlockLine) => {
    if (line.indent.length > trimIndent) out.copy(line.indent.slice(trimIndent), line.start + trimIndent);
  };
  let sep = '';
  let sepAt = bodyStart;
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) {
    const line = lines[i] as BlockLine;
    copyIndent(line);
    out.add('\n', breakOf(line), breakOf(line) + 1);
  }
  const addSep = (text: string) => out.add(text, sepAt, sepAt + 1);
  for (let i = contentStart; i < chompStart; ++i) {
    const line = lines[i] as BlockLine;
    let content = line.content;
    if (content.endsWith('\r')) content = content.slice(0, -1);
    const contentAt = line.start + line.indent.length;
    if (mode !== '>') {
      addSep(sep);
      copyIndent(line);
      out.copy(content, contentAt);
      sep = '\n';
    } else if (line.indent.length > trimIndent || content[0] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      addSep(sep);
      copyIndent(line);
      out.copy(content, contentAt);
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') out.add('\n', breakOf(line), breakOf(line) + 1);
      else sep = '\n';
    } else {
      addSep(sep);
      out.copy(content, contentAt);
      sep = ' ';
      prevMoreIndented = false;
    }
    sepAt = breakOf(line);
  }
  const lastBreak = sepAt;
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) {
      const line = lines[i] as BlockLine;
      out.add('\n', lastBreak, lastBreak + 1);
      copyIndent(line);
    }
    if (!out.value.endsWith('\n')) out.add('\n', lastBreak, lastBreak + 1);
  } else if (chomp !== '-') out.add('\n', lastBreak, lastBreak + 1);
  return out;
}
