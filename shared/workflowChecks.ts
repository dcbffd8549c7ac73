import { type Catalog, type CatalogSecret, type CatalogState } from './catalog';
import { closestNames } from './closestNames';
import { printable } from './secretNames';
import { guessTypeFromField, SECRET_TYPE_SPECS, type SecretType } from './secretTypes';
import type { DiagnosticCode, SeveritySetting } from './settings';
import type { LocatedReference, ParsedWorkflow, TextRange } from './workflowTypes';
import { isSuppressed, suppressionsOf, type Suppressions } from './workflowSuppressions';

/**
 * The reference checks, free of any transport: the language server publishes them as LSP
 * diagnostics and the command line's `check` prints them, so the Problems panel and CI agree.
 * Messages name secrets, fields and places, never a value (the catalog has none).
 */
export type DiagnosticSeverityName = 'error' | 'warning' | 'information' | 'hint';

export const DEFAULT_SEVERITIES: Record<DiagnosticCode, DiagnosticSeverityName> = {
  'malformed-reference': 'error',
  'unknown-secret': 'error',
  'unknown-field': 'error',
  'reference-outside-config': 'warning',
  'expired-secret': 'warning',
  syntax: 'error',
  structure: 'error',
  'unverified-references': 'information',
};

/** What quick fixes need, attached to unknown-secret, unknown-field and expired-secret diagnostics. */
export interface ReferenceDiagnosticData {
  name: string;
  field: string;
  /** Closest existing secret names (unknown-secret) or field names (unknown-field), best first. */
  suggestions: string[];
  /** unknown-field: every field the secret has. */
  fields?: string[];
  /** unknown-secret: the type the field suggests, for "Create secret NAME". */
  suggestedType?: SecretType;
}

export interface WorkflowDiagnostic {
  code: DiagnosticCode;
  severity: DiagnosticSeverityName;
  message: string;
  /** Offsets into the workflow text. */
  range: TextRange;
  data?: ReferenceDiagnosticData;
}

export interface CheckOptions {
  /** For expired-secret (tests pin it). */
  now?: Date;
  /** Per-code overrides; 'off' drops the code. */
  severities?: Partial<Record<DiagnosticCode, SeveritySetting>>;
  /** Codes silenced for this file; by default read from the file's own comment or key. */
  suppressions?: Suppressions;
}

const STATE_REASONS: Record<CatalogState, string> = {
  ready: 'the catalog is ready',
  locked: 'the vault is locked',
  keyMissing: 'the master key is missing',
  noVault: 'no vault file was found',
  providerUnavailable: 'a secret provider is unreachable',
};

/** Why references cannot be verified, in words: the catalog's own reason, else the state's. */
export function catalogStateReason(catalog: Catalog): string {
  return catalog.stateReason ?? STATE_REASONS[catalog.state];
}

/** Every diagnostic for one parsed workflow, sorted by position. */
export function checkWorkflow(parsed: ParsedWorkflow, catalog: Catalog, options: CheckOptions = {}): WorkflowDiagnostic[] {
  const suppressions = options.suppressions ?? suppressionsOf(parsed.text, parsed.format, parsed.value);
  const now = options.now ?? new Date();
  const secrets = new Map<string, CatalogSecret>();
  for (const secret of catalog.secrets) secrets.set(secret.name, secret);
  const names = catalog.secrets.map((secret) => secret.name);
  const nearNames = new Map<string, string[]>();
  const suggestNames = (name: string): string[] => {
    let found = nearNames.get(name);
    if (!found) nearNames.set(name, (found = closestNames(name, names)));
    return found;
  };

  const found: WorkflowDiagnostic[] = [];
  const add = (code: DiagnosticCode, message: string, range: TextRange, data?: ReferenceDiagnosticData): void => {
    if (isSuppressed(suppressions, code)) return;
    const setting = options.severities?.[code] ?? DEFAULT_SEVERITIES[code];
    if (setting === 'off') return;
    const diagnostic: WorkflowDiagnostic = { code, severity: setting, message, range };
    if (data) diagnostic.data = data;
    found.push(diagnostic);
  };

  for (const problem of parsed.problems) add(problem.code, problem.message, problem.range);
  for (const malformed of parsed.malformed) add('malformed-reference', malformed.message, malformed.range);

  const ready = catalog.state === 'ready';
  const unverified: LocatedReference[] = [];
  for (const reference of parsed.references) {
    if (reference.location !== 'config') {
      add('reference-outside-config', outsideMessage(reference), reference.range);
      continue;
    }
    const secret = secrets.get(reference.name);
    if (!secret) {
      // A catalog that is not ready may simply not know the name yet: no false errors.
      if (!ready) unverified.push(reference);
      else {
        const suggestions = suggestNames(reference.name);
        add('unknown-secret', unknownSecretMessage(reference.name, suggestions, catalog), reference.nameRange, {
          name: reference.name,
          field: reference.field,
          suggestions,
          suggestedType: guessTypeFromField(reference.field),
        });
      }
      continue;
    }
    // An unknown field is the reference's problem; the secret's expiry can wait for a valid one.
    if (checkField(reference, secret, add)) checkExpiry(reference, secret, now, add);
  }
  if (unverified.length > 0) {
    const count = unverified.length;
    add(
      'unverified-references',
      `${count} secret reference${count === 1 ? '' : 's'} in this file could not be verified: ${catalogStateReason(catalog)} (catalog state ${catalog.state}).`,
      unverified[0]!.range,
    );
  }
  return found.sort((left, right) => left.range.start - right.range.start || left.range.end - right.range.end);
}

type Add = (code: DiagnosticCode, message: string, range: TextRange, data?: ReferenceDiagnosticData) => void;

/** True when the field exists (or cannot be known yet). */
function checkField(reference: LocatedReference, secret: CatalogSecret, add: Add): boolean {
  // A provider's field names are learned on first read: an empty list means "not known yet".
  if (secret.fields.includes(reference.field) || (secret.source.kind === 'provider' && secret.fields.length === 0)) return true;
  const name = printable(reference.name);
  const field = printable(reference.field);
  const has = secret.fields.length > 0 ? `Its fields: ${secret.fields.join(', ')}` : 'It has no fields';
  const optionalUnset = SECRET_TYPE_SPECS[secret.type].fields.some((spec) => spec.name === reference.field && !spec.required);
  const why = optionalUnset ? ` "${field}" is an optional ${secret.type} field that this secret does not set.` : '';
  add('unknown-field', `Secret "${name}" (${secret.type}) has no field "${field}".${why} ${has}.`, reference.fieldRange, {
    name: reference.name,
    field: reference.field,
    suggestions: closestNames(reference.field, secret.fields, { max: secret.fields.length }),
    fields: [...secret.fields],
  });
  return false;
}

function checkExpiry(reference: LocatedReference, secret: CatalogSecret, now: Date, add: Add): void {
  if (secret.type !== 'bearerToken' || !secret.expiresAt) return;
  const expires = Date.parse(secret.expiresAt);
  if (Number.isNaN(expires) || expires > now.getTime()) return;
  add(
    'expired-secret',
    `Secret "${printable(reference.name)}" expired on ${secret.expiresAt} (${ago(now.getTime() - expires)}): update its token and expiresAt.`,
    reference.range,
    { name: reference.name, field: reference.field, suggestions: [] },
  );
}

function unknownSecretMessage(name: string, suggestions: string[], catalog: Catalog): string {
  const where = `No secret named "${printable(name)}" in environment '${catalog.environment}'.`;
  if (suggestions.length > 0) return `${where} Did you mean ${suggestions.map((candidate) => `"${candidate}"`).join(', ')}?`;
  if (catalog.secrets.length === 0) return `${where} The vault has no secrets yet: create it.`;
  if (catalog.secrets.length <= 5) return `${where} Existing secrets: ${catalog.secrets.map((secret) => secret.name).join(', ')}.`;
  return `${where} No existing secret has a similar name: create it or fix the name.`;
}

function outsideMessage(reference: LocatedReference): string {
  if (reference.location === 'key') return 'This secret reference is in a key and will not be resolved: only string values inside nodes[*].config are.';
  const path = reference.path.length > 0 ? ` (at ${formatPath(reference.path)})` : '';
  return `This secret reference is outside nodes[*].config${path} and will not be resolved.`;
}

function formatPath(path: (string | number)[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function ago(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.floor(hours / 24);
  return `${days} days ago`;
}
