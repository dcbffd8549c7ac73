import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../shared/catalog';
import { closestNames } from '../shared/closestNames';
import { CommandIds, type CreateSecretArgs } from '../shared/commandIds';
import { guessTypeFromField } from '../shared/secretTypes';
import type { ReferenceDiagnosticData } from '../shared/workflowChecks';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

/**
 * Quick fixes keyed on diagnostic codes: unknown-secret offers "Create secret NAME" (a client
 * command) and "Change to CLOSEST"; unknown-field offers "Change to FIELD" for each field the
 * secret has. The best one is marked preferred.
 */
export function codeActionsFor(params: CodeActionParams, document: TextDocument | undefined, catalog: Catalog): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    if (diagnostic.code === 'unknown-secret') actions.push(...unknownSecretFixes(params.textDocument.uri, diagnostic, document, catalog));
    else if (diagnostic.code === 'unknown-field') actions.push(...unknownFieldFixes(params.textDocument.uri, diagnostic, document, catalog));
  }
  return actions;
}

function unknownSecretFixes(uri: string, diagnostic: Diagnostic, document: TextDocument | undefined, catalog: Catalog): CodeAction[] {
  const data = dataOf(diagnostic);
  const name = data?.name ?? document?.getText(diagnostic.range);
  if (!name) return [];
  const suggestions = data?.suggestions ?? closestNames(name, catalog.secrets.map((secret) => secret.name));
  const field = data?.field ?? '';
  const changes = suggestions.map((suggestion, index) => replaceWith(uri, diagnostic, suggestion, index === 0 && isClose(name, suggestion)));
  const args: CreateSecretArgs = { name, type: data?.suggestedType ?? guessTypeFromField(field) };
  const create: CodeAction = {
    title: `Create secret ${name}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    command: { title: `Create secret ${name}`, command: CommandIds.createSecret, arguments: [args] },
  };
  if (!changes.some((action) => action.isPreferred)) create.isPreferred = true;
  return [...changes, create];
}

function unknownFieldFixes(uri: string, diagnostic: Diagnostic, document: TextDocument | undefined, catalog: Catalog): CodeAction[] {
  const data = dataOf(diagnostic);
  const field = data?.field ?? document?.getText(diagnostic.range) ?? '';
  const fields = data?.fields ?? (data ? catalog.secrets.find((secret) => secret.name === data.name)?.fields : undefined) ?? [];
  const suggestions = data?.suggestions.length ? data.suggestions : closestNames(field, fields, { max: fields.length });
  // Closest first, then the remaining fields in the secret's order.
  const ordered = [...suggestions, ...fields.filter((candidate) => !suggestions.includes(candidate))];
  return ordered.map((candidate, index) => replaceWith(uri, diagnostic, candidate, index === 0 && (suggestions.length > 0 || fields.length === 1)));
}

function replaceWith(uri: string, diagnostic: Diagnostic, newText: string, preferred: boolean): CodeAction {
  const action: CodeAction = {
    title: `Change to ${newText}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [uri]: [{ range: diagnostic.range, newText }] } },
  };
  if (preferred) action.isPreferred = true;
  return action;
}

/** A suggestion close enough to apply without a second look: a case slip or one or two edits. */
function isClose(name: string, suggestion: string): boolean {
  return closestNames(name, [suggestion], { maxDistance: 2 }).length === 1;
}

function dataOf(diagnostic: Diagnostic): ReferenceDiagnosticData | undefined {
  const data = diagnostic.data as Partial<ReferenceDiagnosticData> | undefined;
  if (!data || typeof data.name !== 'string' || typeof data.field !== 'string' || !Array.isArray(data.suggestions)) return undefined;
  return data as ReferenceDiagnosticData;
}
