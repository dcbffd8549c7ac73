import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../shared/catalog';
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
  // The textdocument package computes positions exactly as LSP clients count them (UTF-16, \r\n, \r).
  const document = TextDocument.create('file:///validation', format, 0, text);
  return { diagnostics: found.map((diagnostic) => toLspDiagnostic(diagnostic, document)), references: packReferences(parsed.references, document) };
}

export function toLspDiagnostic(diagnostic: WorkflowDiagnostic, document: TextDocument): Diagnostic {
  const lsp: Diagnostic = {
    range: { start: document.positionAt(diagnostic.range.start), end: document.positionAt(diagnostic.range.end) },
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
  };
  if (diagnostic.data) lsp.data = diagnostic.data;
  return lsp;
}
