import assert from 'node:assert/strict';
import { LineIndex } from '../../shared/lineIndex';
import { parseJsonFast } from '../../shared/jsonFastParser';
import { parseWithJsonc } from '../../shared/jsonWorkflowParser';
import { parseWorkflow } from '../../shared/workflowParser';
import { buildParsedWorkflow } from '../../shared/workflowStructure';
import { parseYamlDocument } from '../../shared/yamlDocumentParser';
import { parseYamlFast } from '../../shared/yamlFastParser';
import type { ParsedWorkflow, TextRange, WorkflowFormat } from '../../shared/workflowTypes';

export interface Located {
  /** The source text the range covers. */
  text: string;
  name: string;
  field: string;
  /** Zero-based line and UTF-16 character of the range start and end. */
  start: [number, number];
  end: [number, number];
}

const at = (lines: LineIndex, offset: number): [number, number] => {
  const { line, character } = lines.positionAt(offset);
  return [line, character];
};

export const slice = (text: string, range: TextRange) => text.slice(range.start, range.end);

/**
 * Parses and returns each reference as its source slice and positions, asserting there are no
 * problems. Each format goes through both of its paths (YAML: the lexer-level fast path and the
 * full composer; JSON: the fast scan and jsonc-parser), which must agree, so every case tests both.
 */
export function locate(text: string, format: WorkflowFormat, options: { allowProblems?: boolean } = {}): { parsed: ParsedWorkflow; refs: Located[] } {
  const parsed = parseWorkflow(text, format);
  if (!options.allowProblems) assert.deepEqual(parsed.problems, [], 'no problems expected');
  const fast = format === 'yaml' ? parseYamlFast(text) : parseJsonFast(text);
  const full = format === 'yaml' ? parseYamlDocument(text) : parseWithJsonc(text);
  if (!options.allowProblems) assert.ok(fast, 'the fast path handles this document');
  if (fast) assert.deepEqual(buildParsedWorkflow(format, text, fast), buildParsedWorkflow(format, text, full), 'both paths agree');
  const lines = new LineIndex(text);
  const refs = parsed.references.map((reference) => ({
    text: slice(text, reference.range),
    name: slice(text, reference.nameRange),
    field: slice(text, reference.fieldRange),
    start: at(lines, reference.range.start),
    end: at(lines, reference.range.end),
  }));
  return { parsed, refs };
}

/** A minimal workflow around one config value, in each format. */
export function jsonWorkflow(configEntries: string, eol = '\n'): string {
  return ['{', '  "name": "w",', '  "nodes": [', '    {', '      "id": "n1",', '      "type": "t",', `      "config": {${configEntries}}`, '    }', '  ]', '}', ''].join(eol);
}

export function yamlWorkflow(configLines: string[], eol = '\n'): string {
  return ['name: w', 'nodes:', '  - id: n1', '    type: t', '    config:', ...configLines.map((line) => `      ${line}`), ''].join(eol);
}
