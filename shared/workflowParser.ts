import { parseJsonWorkflow } from './jsonWorkflowParser';
import { buildParsedWorkflow } from './workflowStructure';
import type { ParsedWorkflow, WorkflowFormat } from './workflowTypes';
import { parseYamlWorkflow } from './yamlWorkflowParser';

export { DEFAULT_WORKFLOW_GLOBS, isWorkflowFile, workflowFormatOf } from './workflowGlobs';

/**
 * Parses a workflow file with source positions. Never throws: syntax errors, structure errors
 * (no `nodes` list, a node without id or type, duplicate ids) come back in `problems`; references
 * and malformed references carry ranges that point at their text in the source.
 */
export function parseWorkflow(text: string, format: WorkflowFormat): ParsedWorkflow {
  try {
    const raw = format === 'json' ? parseJsonWorkflow(text) : parseYamlWorkflow(text);
    return buildParsedWorkflow(format, text, raw);
  } catch (error) {
    // Only pathological input gets here (nesting deeper than the stack): one problem, no data.
    const why = error instanceof Error ? error.message : 'unknown error';
    return {
      format,
      text,
      value: undefined,
      nodes: [],
      references: [],
      malformed: [],
      problems: [{ code: 'syntax', message: `The ${format === 'json' ? 'JSON' : 'YAML'} could not be read (${why}).`, range: { start: 0, end: 0 } }],
    };
  }
}
