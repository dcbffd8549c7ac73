import { parseYamlDocument } from './yamlDocumentParser';
import { parseYamlFast } from './yamlFastParser';
import type { RawWorkflow } from './workflowStructure';

/**
 * YAML workflows: the lexer-level fast path when the file stays within what it handles, else
 * `yaml`'s full composer (any error, unusual construct or several documents end up there).
 */
export function parseYamlWorkflow(text: string): RawWorkflow {
  return parseYamlFast(text) ?? parseYamlDocument(text);
}
