import type { Catalog } from './catalog';
import { WorkflowSecretsError } from './errors';
import { buildExportManifest, MANIFEST_KEY, manifestValue } from './exportManifest';
import type { ExportManifest } from './exportManifest';
import { rewriteJson, rewriteYaml, manifestRangeOf, pathAtOffset } from './exportRewrite';
import { LineIndex } from './lineIndex';
import { formatReference, scanReferences } from './referenceGrammar';
import type { SecretType } from './secretTypes';
import { findKnownValues, knownValuesOf, ValueIndex } from './valueScanner';
import type { KnownSecret, KnownValue, ValueEncoding, ValueHit } from './valueScanner';
import { parseWorkflow } from './workflowParser';
import type { JsonPath, ParsedWorkflow, TextRange } from './workflowTypes';

export type { KnownSecret } from './valueScanner';

export interface SanitizedExport {
  /** The export, in the input's format, with the manifest under `requiredSecrets`. */
  text: string;
  manifest: ExportManifest;
  /** How many value occurrences were replaced by references. */
  replaced: number;
}

/**
 * Makes a copy of a workflow that is safe to share: references stay references, any string that
 * equals or contains a known value becomes the matching `{{secrets.NAME.FIELD}}` (longest values
 * first), and a manifest of the secrets the workflow needs is added. The result is then scanned
 * for every known value (raw, JSON-escaped, URL-encoded, base64, base64url) and refused with an
 * `export-leak` error naming where, never what, if any remains (e.g. in a key, a comment or a
 * number). Works in memory only: write the text out only after this returns.
 */
export function sanitizeWorkflowForExport(parsed: ParsedWorkflow, known: KnownSecret[], catalog: Catalog): SanitizedExport {
  const syntax = parsed.problems.filter((problem) => problem.code === 'syntax');
  if (syntax.length > 0 || parsed.value === undefined) {
    const first = syntax[0];
    const where = first ? ` at ${positionText(new LineIndex(parsed.text), first.range.start)}: ${first.message.replace(/\.$/, '')}` : '';
    throw new WorkflowSecretsError('workflow-invalid', `The workflow cannot be exported: it does not parse${where}.`, 'Fix the syntax error (`workflow-secrets check FILE` lists them) and export again.');
  }
  const values = knownValuesOf(known);
  const index = new ValueIndex(values);
  const replacements: { name: string; field: string }[] = [];
  const replace = (text: string, path: JsonPath) => replaceValues(text, index, replacements, path);

  const manifestFor = () => {
    const knownTypes = new Map<string, SecretType>(known.map((secret) => [secret.name, secret.type]));
    const inManifest = (path: JsonPath) => path[0] === MANIFEST_KEY;
    const references = parsed.references.filter((ref) => !inManifest(ref.path)).map(({ name, field }) => ({ name, field }));
    return buildExportManifest([...references, ...replacements], catalog, knownTypes);
  };
  const rewrite = parsed.format === 'json' ? rewriteJson : rewriteYaml;
  const { text, manifest } = rewrite(parsed.text, replace, manifestFor, manifestValue);

  const reparsed = parseWorkflow(text, parsed.format);
  if (reparsed.problems.some((problem) => problem.code === 'syntax')) {
    throw new WorkflowSecretsError('workflow-invalid', 'The sanitized export did not parse back; nothing was written.', 'Please report this with the structure (not the values) of the workflow.');
  }
  refuseLeaks(text, parsed.format, values);
  return { text, manifest, replaced: replacements.length };
}

/**
 * Replaces known values in one string with references, leaving existing references alone.
 * Values of MIN_SCAN_LENGTH or more are replaced wherever they occur; shorter ones only when
 * they are the whole string.
 */
export function replaceValues(text: string, index: ValueIndex, replacements: { name: string; field: string }[], path: JsonPath = []): string {
  const candidates = index.occurringIn(text);
  const exact = index.shortValueEqualTo(text);
  if (candidates.length === 0 && !exact) return text;
  const scan = scanReferences(text);
  if (scan.references.length === 0) {
    if (exact) {
      replacements.push({ name: exact.name, field: exact.field });
      return formatReference(exact.name, exact.field);
    }
  }
  type Part = { literal: boolean; text: string };
  let parts: Part[] = [];
  let last = 0;
  for (const ref of [...scan.references].sort((a, b) => a.start - b.start)) {
    parts.push({ literal: true, text: text.slice(last, ref.start) }, { literal: false, text: text.slice(ref.start, ref.end) });
    last = ref.end;
  }
  parts.push({ literal: true, text: text.slice(last) });

  let inserted = 0;
  for (const value of candidates) {
    const reference = formatReference(value.name, value.field);
    parts = parts.flatMap((part) => {
      if (!part.literal || !part.text.includes(value.value)) return [part];
      const pieces = part.text.split(value.value);
      const out: Part[] = [];
      pieces.forEach((piece, index) => {
        if (index > 0) {
          out.push({ literal: false, text: reference });
          replacements.push({ name: value.name, field: value.field });
          inserted += 1;
        }
        out.push({ literal: true, text: piece });
      });
      return out;
    });
  }
  if (inserted === 0) return text;
  const result = parts.map((part) => part.text).join('');
  if (scanReferences(result).references.length !== scan.references.length + inserted) {
    // e.g. a value right after a backslash: the reference would read as escaped literal text.
    throw new WorkflowSecretsError(
      'workflow-invalid',
      `A secret value in the string at ${formatPath(path, (key) => index.occurringIn(key).length > 0 || index.shortValueEqualTo(key) !== undefined)} could not be replaced by a working reference (the text around it changes how the reference reads); nothing was written.`,
      'Replace the value with its {{secrets.NAME.FIELD}} reference by hand, then export again.',
    );
  }
  return result;
}

const ENCODING_TEXT: Record<ValueEncoding, string> = {
  raw: 'as plain text',
  'json-escaped': 'JSON-escaped',
  'yaml-single-quoted': 'YAML-quoted',
  'url-encoded': 'URL-encoded',
  'form-encoded': 'form-encoded',
  base64: 'base64-encoded',
  base64url: 'base64url-encoded',
};

/** The leak scan over the final text; references and the manifest hold only names, so they are skipped. */
function refuseLeaks(text: string, format: ParsedWorkflow['format'], values: KnownValue[]): void {
  const skip: TextRange[] = scanReferences(text).references.map(({ start, end }) => ({ start, end }));
  const manifestRange = manifestRangeOf(text, format);
  if (manifestRange) skip.push(manifestRange);
  const hits = findKnownValues(text, values, skip);
  if (hits.length === 0) return;
  const lines = new LineIndex(text);
  const describe = (hit: ValueHit) => {
    const path = pathAtOffset(text, format, hit.offset);
    const holdsSecret = (key: string) => findKnownValues(key, values).length > 0 || values.some((value) => key === value.value);
    return `the value of ${formatReference(hit.name, hit.field)} ${ENCODING_TEXT[hit.encoding]} at ${positionText(lines, hit.offset)}${path.length ? ` (${formatPath(path, holdsSecret)})` : ''}`;
  };
  const listed = hits.slice(0, 3).map(describe).join('; ');
  const more = hits.length > 3 ? `; and ${hits.length - 3} more` : '';
  throw new WorkflowSecretsError(
    'export-leak',
    `The export was refused because it would contain a secret value: ${listed}${more}. Nothing was written.`,
    'Values in keys, comments, numbers or encoded strings cannot be replaced automatically: replace them with the {{secrets.NAME.FIELD}} reference (or remove them) in the workflow, then export again.',
  );
}

function positionText(lines: LineIndex, offset: number): string {
  const { line, character } = lines.positionAt(offset);
  return `line ${line + 1}, column ${character + 1}`;
}

/**
 * `nodes[1].config.headers.Authorization`. A key that holds a secret value (the very case a leak
 * error is about) is shown as `<key with a secret value>`, never as itself.
 */
export function formatPath(path: JsonPath, holdsSecret: (key: string) => boolean = () => false): string {
  if (path.length === 0) return 'the document root';
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const key = holdsSecret(part) ? '<key with a secret value>' : part;
      return index === 0 ? key : `.${key}`;
    })
    .join('');
}
