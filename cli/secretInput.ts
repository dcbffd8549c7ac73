import { WorkflowSecretsError } from '../shared/errors';
import { nameProblem } from '../shared/secretNames';
import { SECRET_TYPE_SPECS } from '../shared/secretTypes';
import type { FieldSpec, SecretType } from '../shared/secretTypes';
import { VALUES_NEVER_FROM_ARGV } from './args';
import type { Io } from './output';
import { promptLine, readStdin, stdinIsTerminal } from './prompt';

/**
 * A secret's field values, from JSON on stdin (scripts, CI) or from prompts on a terminal
 * (required fields first, optional ones skippable, secret parts masked). Never from argv.
 */
export async function readSecretData(io: Io, type: SecretType, name: string): Promise<unknown> {
  if (!stdinIsTerminal(io)) return readJsonData(io, type, name);
  io.stderr.write(`Enter the fields of ${SECRET_TYPE_SPECS[type].label} secret "${name}" (secret parts are masked).\n`);
  return type === 'custom' ? promptCustomFields(io) : promptTypedFields(io, type);
}

async function readJsonData(io: Io, type: SecretType, name: string): Promise<unknown> {
  const text = await readStdin(io, 'secret data');
  const example = exampleFor(type);
  if (text.trim() === '') {
    throw new WorkflowSecretsError('usage', `No field values on stdin for secret "${name}".`, `Pipe a JSON object of fields such as ${example}. ${VALUES_NEVER_FROM_ARGV}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input, which holds values: say only that it failed.
    throw new WorkflowSecretsError('secret-invalid', `The data on stdin for secret "${name}" is not valid JSON.`, `Pipe a JSON object of fields such as ${example}.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WorkflowSecretsError('secret-invalid', `The data on stdin for secret "${name}" is not a JSON object of fields.`, `Pipe a JSON object of fields such as ${example}.`);
  }
  return data;
}

/** An example object with placeholder values, for hints. */
export function exampleFor(type: SecretType): string {
  if (type === 'custom') return '{"url": "...", "signingKey": "..."}';
  const required = SECRET_TYPE_SPECS[type].fields.filter((field) => field.required);
  return `{${required.map((field) => `"${field.name}": "..."`).join(', ')}}`;
}

async function promptTypedFields(io: Io, type: SecretType): Promise<Record<string, unknown>> {
  const fields = [...SECRET_TYPE_SPECS[type].fields].sort((a, b) => Number(b.required) - Number(a.required));
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const answer = await promptField(io, field);
    if (answer === undefined) continue;
    data[field.name] = field.kind === 'stringList' ? answer.split(/[\s,]+/).filter(Boolean) : answer;
  }
  return data;
}

async function promptField(io: Io, field: FieldSpec): Promise<string | undefined> {
  const list = field.kind === 'stringList' ? ', separated by spaces or commas' : '';
  const label = `${field.name} (${field.description.replace(/\.$/, '')}${list})${field.required ? '' : ' [optional, Enter to skip]'}: `;
  for (;;) {
    const answer = await promptLine(io, label, field.sensitive);
    if (answer.trim() !== '') return field.sensitive ? answer : answer.trim();
    if (!field.required) return undefined;
    io.stderr.write(`${field.name} is required.\n`);
  }
}

async function promptCustomFields(io: Io): Promise<Record<string, string>> {
  const data: Record<string, string> = {};
  for (;;) {
    const count = Object.keys(data).length;
    const fieldName = (await promptLine(io, `Field name${count > 0 ? ' (Enter to finish)' : ''}: `, false)).trim();
    if (fieldName === '') {
      if (count > 0) return data;
      io.stderr.write('A custom secret needs at least one field.\n');
      continue;
    }
    const problem = nameProblem(fieldName, 'field name');
    if (problem) {
      io.stderr.write(`${problem}\n`);
      continue;
    }
    for (;;) {
      const value = await promptLine(io, `${fieldName} value: `, true);
      if (value.trim() !== '') {
        data[fieldName] = value;
        break;
      }
      io.stderr.write(`${fieldName} must not be empty.\n`);
    }
  }
}
