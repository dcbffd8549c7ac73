import { getLocation, parseTree } from 'jsonc-parser';
import type { Edit, Node as JsonNode } from 'jsonc-parser';
import { isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { WorkflowSecretsError } from './errors';
import { MANIFEST_KEY } from './exportManifest';
import type { ExportManifest } from './exportManifest';
import type { JsonPath, TextRange, WorkflowFormat } from './workflowTypes';

/**
 * Format-preserving rewrites for the export: every string value goes through `replace`, then the
 * manifest is set at the top level. JSON is edited in place (formatting and comments kept); YAML
 * goes through the yaml package's Document, which keeps comments, key order and scalar styles.
 * A previous export's manifest is replaced, not sanitized.
 */
export type StringReplacer = (text: string, path: JsonPath) => string;

export interface Rewritten {
  text: string;
  manifest: ExportManifest;
}

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false };

function notAMapping(): WorkflowSecretsError {
  return new WorkflowSecretsError('workflow-invalid', 'The workflow cannot be exported: its top level is not an object of keys.', 'A workflow file is an object with `name` and `nodes`; fix the file and export again.');
}

export function rewriteJson(text: string, replace: StringReplacer, manifestFor: () => ExportManifest, toValue: (manifest: ExportManifest) => unknown): Rewritten {
  const root = parseTree(text, [], PARSE_OPTIONS);
  if (!root || root.type !== 'object') throw notAMapping();
  const edits: Edit[] = [];
  let existing: JsonNode | undefined;
  const walk = (node: JsonNode, path: JsonPath) => {
    if (node.type === 'object') {
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (!key || !value) continue;
        if (node === root && key.value === MANIFEST_KEY) {
          existing = value;
          continue;
        }
        walk(value, [...path, String(key.value)]);
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, index) => walk(child, [...path, index]));
    } else if (node.type === 'string' && typeof node.value === 'string') {
      const replaced = replace(node.value, path);
      if (replaced !== node.value) edits.push({ offset: node.offset, length: node.length, content: JSON.stringify(replaced) });
    }
  };
  walk(root, []);
  const manifest = manifestFor();
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = indentUnit(text);
  const properties = root.children ?? [];
  const baseIndent = lineIndentAt(text, properties[0]?.offset) ?? unit;
  const serialized = JSON.stringify(toValue(manifest), null, unit).split('\n').join(eol + baseIndent);
  if (existing) {
    edits.push({ offset: existing.offset, length: existing.length, content: serialized });
  } else {
    const last = properties[properties.length - 1];
    const entry = `${JSON.stringify(MANIFEST_KEY)}: ${serialized}`;
    if (last) edits.push({ offset: last.offset + last.length, length: 0, content: `,${eol}${baseIndent}${entry}` });
    else edits.push({ offset: root.offset + 1, length: root.length - 2, content: `${eol}${baseIndent}${entry}${eol}` });
  }
  return { text: applyInOrder(text, edits), manifest };
}

/** Applies non-overlapping edits in one pass (jsonc-parser's applyEdits copies the text per edit). */
function applyInOrder(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  const parts: string[] = [];
  let at = 0;
  for (const edit of sorted) {
    parts.push(text.slice(at, edit.offset), edit.content);
    at = edit.offset + edit.length;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** One level of indentation as the file writes it (two spaces when it cannot tell). */
function indentUnit(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  if (!match?.[1]) return '  ';
  return match[1].startsWith('\t') ? '\t' : match[1];
}

/** The indentation of the line holding `offset`, when only whitespace precedes it there. */
function lineIndentAt(text: string, offset: number | undefined): string | undefined {
  if (offset === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

export function rewriteYaml(text: string, replace: StringReplacer, manifestFor: () => ExportManifest, toValue: (manifest: ExportManifest) => unknown): Rewritten {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (!isMap(doc.contents)) throw notAMapping();
  visit(doc, {
    Pair(_key, pair, path) {
      // path is [document, top-level map] for top-level pairs.
      if (path.length === 2 && isScalar(pair.key) && pair.key.value === MANIFEST_KEY) return visit.SKIP;
      return undefined;
    },
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string') return;
      const replaced = replace(node.value, yamlPath(path, key));
      if (replaced !== node.value) node.value = replaced;
    },
  });
  const manifest = manifestFor();
  doc.set(MANIFEST_KEY, doc.createNode(toValue(manifest)));
  // lineWidth 0: never fold long strings onto several lines.
  return { text: doc.toString({ lineWidth: 0 }), manifest };
}

/** The data path of a scalar from the visitor's ancestry (for messages). */
function yamlPath(ancestors: readonly unknown[], key: unknown): JsonPath {
  const path: JsonPath = [];
  for (const item of ancestors) {
    if (typeof item === 'object' && item !== null && 'key' in item && 'value' in item) {
      const pairKey = (item as { key: unknown }).key;
      path.push(isScalar(pairKey) ? String(pairKey.value) : '?');
    }
  }
  if (typeof key === 'number') path.push(key);
  return path;
}

/** The top-level manifest entry's range in an export (skipped by the leak scan: names only). */
export function manifestRangeOf(text: string, format: WorkflowFormat): TextRange | undefined {
  if (format === 'json') {
    const root = parseTree(text, [], PARSE_OPTIONS);
    const property = root?.children?.find((child) => child.children?.[0]?.value === MANIFEST_KEY);
    return property ? { start: property.offset, end: property.offset + property.length } : undefined;
  }
  const doc = parseDocument(text, { uniqueKeys: false });
  if (!isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((item) => isScalar(item.key) && item.key.value === MANIFEST_KEY);
  const keyRange = isScalar(pair?.key) ? pair.key.range : undefined;
  const valueRange = (pair?.value as YamlNode | undefined)?.range;
  return keyRange && valueRange ? { start: keyRange[0], end: valueRange[2] } : undefined;
}

/** The data path at an offset of an export (for leak messages); [] when not inside a value. */
export function pathAtOffset(text: string, format: WorkflowFormat, offset: number): JsonPath {
  if (format === 'json') return getLocation(text, offset).path;
  const doc = parseDocument(text, { uniqueKeys: false });
  const path: JsonPath = [];
  let node: unknown = doc.contents;
  for (;;) {
    const inside = (candidate: unknown) => {
      const range = (candidate as YamlNode | null | undefined)?.range;
      return range != null && range[0] <= offset && offset < range[2];
    };
    if (isMap(node)) {
      const pair = node.items.find((item) => inside(item.key) || inside(item.value));
      if (!pair) return path;
      path.push(isScalar(pair.key) ? String(pair.key.value) : '?');
      if (inside(pair.key)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex(inside);
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}
