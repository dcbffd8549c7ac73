import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Catalog } from '../shared/catalog';
import { LineIndex } from '../shared/lineIndex';
import type { DiagnosticCode, SeveritySetting } from '../shared/settings';
import { checkWorkflow, type DiagnosticSeverityName, type WorkflowDiagnostic } from '../shared/workflowChecks';
import { parseWorkflow } from '../shared/workflowParser';
import type { WorkflowFormat } from '../shared/workflowTypes';
import { packReferences, type PackedReferences } from './indexedReferences';

/** Every diagnostic this server publishes carries this source. */
export const DIAGNOSTIC_SOURCE = 'workflow-secrets';

export interface ValidationOptions {
  severities: Partial<Record<DiagnosticCode, SeveritySetting>>;
}

/** What one validation of one file yields: what to publish and what the index keeps. */
export interface FileValidation {
  diagnostics: Diagnostic[];
  references: PackedReferences;
  /** Size of the text checked (after big files the worker collects its garbage, or is restarted). */
  textLength: number;
}

const SEVERITY: Record<DiagnosticSeverityName, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Parse + check + positions: the whole job, run in the validation worker (or inline as a fallback). */
export function validateWorkflowText(text: string, format: WorkflowFormat, catalog: Catalog, options: ValidationOptions): FileValidation {
  const parsed = parseWorkflow(text, format);
  const found = checkWorkflow(parsed, catalog, { severities: options.severities });
  // Positions as LSP clients count them: UTF-16 units; \r\n, \n and a lone \r end a line.
  const lines = new LineIndex(text);
  return {
    diagnostics: found.map((diagnostic) => toLspDiagnostic(diagnostic, lines)),
    references: packReferences(parsed.references, lines),
    textLength: text.length,
  };
}

export function toLspDiagnostic(diagnostic: WorkflowDiagnostic, lines: LineIndex): Diagnostic {
  const lsp: Diagnostic = {
    range: lines.rangeAt(diagnostic.range),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
  };
  if (diagnostic.data) lsp.data = diagnostic.data;
  return lsp;
}
