import assert from 'node:assert/strict';
import { LineIndex } from '../../shared/lineIndex';
import { parseWorkflow } from '../../shared/workflowParser';
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

/** Parses and returns each reference as its source slice and positions, asserting there are no problems. */
export function locate(text: string, format: WorkflowFormat, options: { allowProblems?: boolean } = {}): { parsed: ParsedWorkflow; refs: Located[] } {
  const parsed = parseWorkflow(text, format);
  if (!options.allowProblems) assert.deepEqual(parsed.problems, [], 'no problems expected');
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
