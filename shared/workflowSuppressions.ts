import { DIAGNOSTIC_CODES, type DiagnosticCode } from './settings';
import type { WorkflowFormat } from './workflowTypes';

/**
 * Silencing diagnostic codes for one workflow file, in the file itself (so the editor and the
 * command line's `check` agree):
 * - YAML: an own-line comment `# workflow-secrets-disable unknown-field expired-secret`
 *   (codes separated by spaces or commas; no code silences every code).
 * - JSON has no comments: a top-level key `"workflow-secrets-disable": ["unknown-field"]`
 *   (`true` or `"all"` silences every code). YAML may use the same key. JSONC-style
 *   `// workflow-secrets-disable ...` own-line comments are honoured where the parser allows them.
 */
export const SUPPRESSION_DIRECTIVE = 'workflow-secrets-disable';

export interface Suppressions {
  /** Every code is silenced. */
  all: boolean;
  codes: ReadonlySet<DiagnosticCode>;
}

export const NO_SUPPRESSIONS: Suppressions = { all: false, codes: new Set() };

const YAML_COMMENT = /^[ \t]*#[ \t]*workflow-secrets-disable(?![\w-])([^\r\n]*)/gm;
const JSON_COMMENT = /^[ \t]*\/\/[ \t]*workflow-secrets-disable(?![\w-])([^\r\n]*)/gm;

/** The codes silenced in this file by comments or the top-level key. */
export function suppressionsOf(text: string, format: WorkflowFormat, value: unknown): Suppressions {
  const codes = new Set<DiagnosticCode>();
  let all = false;
  // Cheap guard first: a 4 MB file without the word costs one indexOf.
  if (text.includes(SUPPRESSION_DIRECTIVE)) {
    const pattern = format === 'yaml' ? YAML_COMMENT : JSON_COMMENT;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const listed = parseCodeList(match[1] ?? '');
      if (listed === 'all') all = true;
      else for (const code of listed) codes.add(code);
    }
  }
  const declared = topLevelDirective(value);
  if (declared === 'all') all = true;
  else for (const code of declared) codes.add(code);
  return all || codes.size > 0 ? { all, codes } : NO_SUPPRESSIONS;
}

export function isSuppressed(suppressions: Suppressions, code: DiagnosticCode): boolean {
  return suppressions.all || suppressions.codes.has(code);
}

function parseCodeList(text: string): DiagnosticCode[] | 'all' {
  // A trailing comment explains why; it is not a code.
  const words = text.split(/\s+--\s|\s#/)[0]!.split(/[\s,]+/).filter((word) => word.length > 0);
  if (words.length === 0) return 'all';
  return words.filter(isDiagnosticCode);
}

function topLevelDirective(value: unknown): DiagnosticCode[] | 'all' {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const directive = (value as Record<string, unknown>)[SUPPRESSION_DIRECTIVE];
  if (directive === true || directive === 'all') return 'all';
  if (typeof directive === 'string') return directive.trim() ? parseCodeList(directive) : [];
  if (Array.isArray(directive)) return directive.filter(isDiagnosticCode);
  return [];
}

function isDiagnosticCode(word: unknown): word is DiagnosticCode {
  return typeof word === 'string' && (DIAGNOSTIC_CODES as readonly string[]).includes(word);
}
