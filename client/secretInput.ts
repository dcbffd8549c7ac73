import type * as vscode from 'vscode';
import { nameProblem, printable, sameNameIgnoringCase } from '../shared/secretNames';
import { SECRET_TYPES, SECRET_TYPE_SPECS, isSecretType, type FieldSpec, type SecretData, type SecretType } from '../shared/secretTypes';
import { BACK, QuickInputFlow, runSteps, type InputStep, type StepResult } from './quickInputFlow';

/** What the Create/Edit Secret steps collect. Values stay in memory only, never logged. */
export interface SecretDraft {
  type?: SecretType;
  name: string;
  data: Record<string, string | string[]>;
  description: string;
  tags: string[];
}

export interface SecretInputOptions {
  title: string;
  /** Names already in the vault, for the as-you-type uniqueness check. */
  existingNames: readonly string[];
  /** Pre-filled by a quick fix ("Create secret NAME"). */
  initial?: { name?: string; type?: string };
  /** Editing: type and name are fixed; empty sensitive fields keep their value. */
  editing?: { name: string; type: SecretType; data: SecretData; description: string; tags: string[] };
}

type TypeItem = vscode.QuickPickItem & { type: SecretType };

/**
 * Create Secret / Edit Secret as a multi-step QuickInput: type, name (validated as you type), one
 * step per field (masked for secret values; optional ones skippable with Enter), description, tags.
 */
export async function collectSecret(options: SecretInputOptions): Promise<SecretDraft> {
  const flow = new QuickInputFlow();
  const editing = options.editing;
  const initialType = editing?.type ?? (isSecretType(options.initial?.type) ? options.initial.type : undefined);
  const draft: SecretDraft = {
    type: initialType,
    name: editing?.name ?? options.initial?.name ?? '',
    data: {},
    description: editing?.description ?? '',
    tags: editing ? [...editing.tags] : [],
  };
  const fieldCount = () => (draft.type && draft.type !== 'custom' ? SECRET_TYPE_SPECS[draft.type].fields.length : 2);
  const fixed = editing ? 0 : 2;
  const total = () => fixed + fieldCount() + 2;
  const at = (index: number) => ({ title: options.title, step: index, totalSteps: total() });

  const pickType = async (): Promise<StepResult<void>> => {
    const items: TypeItem[] = SECRET_TYPES.map((type) => ({
      type,
      label: SECRET_TYPE_SPECS[type].label,
      description: type,
      detail: SECRET_TYPE_SPECS[type].description,
    }));
    const picked = await flow.pick({ ...at(1), placeholder: 'Type of the secret', items, active: items.find((item) => item.type === draft.type) });
    if (picked === BACK) return BACK;
    if (picked.type !== draft.type) draft.data = {};
    draft.type = picked.type;
  };

  const askName = async (): Promise<StepResult<void>> => {
    const name = await flow.input({
      ...at(2),
      prompt: `Name used in references as {{secrets.NAME.FIELD}}`,
      placeholder: 'e.g. stripe_api',
      value: draft.name,
      validate: (text) => nameProblem(text) ?? existingProblem(text, options.existingNames),
    });
    if (name === BACK) return BACK;
    draft.name = name;
  };

  const askFields = async (): Promise<StepResult<void>> => {
    const type = draft.type ?? 'custom';
    const first = fixed + 1;
    if (type === 'custom') return askCustomFields(flow, draft, at(first), editing);
    const specs = SECRET_TYPE_SPECS[type].fields;
    let index = 0;
    while (index < specs.length) {
      const spec = specs[index]!;
      const current = editing ? (editing.data as Record<string, unknown>)[spec.name] : undefined;
      const text = await flow.input({ ...at(first + index), ...fieldPrompt(spec, current, draft.data[spec.name]) });
      if (text === BACK) {
        if (index === 0) return BACK;
        index -= 1;
        continue;
      }
      setField(draft, spec, text, current);
      index += 1;
    }
  };

  const askDescription = async (): Promise<StepResult<void>> => {
    const text = await flow.input({ ...at(total() - 1), prompt: 'Description (optional; press Enter to skip)', value: draft.description });
    if (text === BACK) return BACK;
    draft.description = text.trim();
  };

  const askTags = async (): Promise<StepResult<void>> => {
    const text = await flow.input({
      ...at(total()),
      prompt: 'Tags, separated by commas (optional; press Enter to finish)',
      placeholder: 'e.g. payments, prod',
      value: draft.tags.join(', '),
    });
    if (text === BACK) return BACK;
    draft.tags = [...new Set(text.split(',').map((tag) => tag.trim()).filter(Boolean))];
  };

  const steps = editing ? [askFields, askDescription, askTags] : [pickType, askName, askFields, askDescription, askTags];
  return runSteps(draft, steps);
}

function existingProblem(text: string, existing: readonly string[]): string | undefined {
  const clash = existing.find((name) => sameNameIgnoringCase(name, text));
  if (!clash) return undefined;
  return clash === text
    ? `A secret named "${printable(text)}" already exists: choose another name, or cancel and use Edit Secret.`
    : `"${printable(text)}" differs only in case from the existing secret "${printable(clash)}": names are unique ignoring case.`;
}

function fieldPrompt(spec: FieldSpec, current: unknown, typed: string | string[] | undefined): Omit<InputStep, 'title' | 'step' | 'totalSteps'> {
  const editingValue = current !== undefined;
  const keepHint = editingValue ? ' Leave empty to keep the current value.' : '';
  const optionalHint = !spec.required && !editingValue ? ' Optional: press Enter to skip.' : '';
  // Non-secret parts (a username, a URL, scopes) may be shown; secret ones never are, not even when editing.
  const shown = spec.sensitive ? undefined : listOrText(typed ?? (current as string | string[] | undefined));
  return {
    prompt: `${spec.name}: ${spec.description}${optionalHint}${keepHint}`,
    placeholder: spec.sensitive ? (editingValue ? '•••••••• (unchanged)' : `${spec.name} (typed masked)`) : spec.kind === 'stringList' ? 'comma-separated, e.g. read, write' : spec.name,
    password: spec.sensitive,
    value: spec.sensitive ? (typeof typed === 'string' ? typed : '') : (shown ?? ''),
    validate: (text) => fieldProblem(spec, text, editingValue),
  };
}

function listOrText(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Field checks while typing; the full schema check runs again before saving. */
function fieldProblem(spec: FieldSpec, text: string, hasCurrent: boolean): string | undefined {
  if (text.trim().length === 0) return spec.required && !hasCurrent ? `${spec.name} is required and must not be empty or only spaces.` : undefined;
  if (spec.kind === 'dateTime' && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim()) || Number.isNaN(Date.parse(text.trim())))) {
    return `${spec.name} must be an ISO-8601 date-time such as 2027-01-31T00:00:00Z.`;
  }
  if (spec.kind === 'url') {
    try {
      const url = new URL(text.trim());
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${spec.name} must be an http or https URL.`;
    } catch {
      return `${spec.name} must be an http or https URL.`;
    }
  }
  return undefined;
}

function setField(draft: SecretDraft, spec: FieldSpec, text: string, current: unknown): void {
  if (text.trim().length === 0) {
    // Empty keeps the current value when editing, and skips an optional field when creating.
    if (current !== undefined) draft.data[spec.name] = current as string | string[];
    else delete draft.data[spec.name];
    return;
  }
  if (spec.kind === 'stringList') {
    draft.data[spec.name] = text.split(/[,\s]+/).map((part) => part.trim()).filter(Boolean);
  } else {
    draft.data[spec.name] = spec.kind === 'string' ? text : text.trim();
  }
}

async function askCustomFields(
  flow: QuickInputFlow,
  draft: SecretDraft,
  position: { title: string; step: number; totalSteps: number },
  editing: SecretInputOptions['editing'],
): Promise<StepResult<void>> {
  const current = (editing?.data ?? {}) as Record<string, string>;
  // Editing: each existing field first (empty keeps it), then new ones.
  for (const field of Object.keys(current)) {
    const text = await flow.input({ ...position, prompt: `${field}: new value. Leave empty to keep the current value.`, password: true, placeholder: '•••••••• (unchanged)' });
    if (text === BACK) return BACK;
    draft.data[field] = text.length > 0 ? text : (current[field] ?? '');
  }
  for (;;) {
    const count = Object.keys(draft.data).length;
    const fieldName = await flow.input({
      ...position,
      prompt: count === 0 ? 'Name of a field (e.g. token, host)' : 'Name of another field, or press Enter to finish',
      validate: (text) => {
        if (text.length === 0) return count === 0 ? 'A custom secret needs at least one field.' : undefined;
        if (Object.keys(draft.data).includes(text)) return `The field "${printable(text)}" is already set.`;
        return nameProblem(text, 'field name');
      },
    });
    if (fieldName === BACK) {
      if (count === 0 || editing) return BACK;
      draft.data = {};
      continue;
    }
    if (fieldName.length === 0) return;
    const value = await flow.input({
      ...position,
      step: position.step + 1,
      prompt: `${fieldName}: value (typed masked)`,
      password: true,
      validate: (text) => (text.length === 0 ? 'The value must not be empty.' : undefined),
    });
    if (value === BACK) continue;
    draft.data[fieldName] = value;
  }
}
