import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { DEFAULT_SETTINGS, DIAGNOSTIC_CODES, SEVERITIES, settingsSchema } from '../../shared/settings';

/**
 * package.json's contributes.configuration mirrors the zod settings schema (the one source of
 * truth): same keys, types, defaults, enums and bounds. The schema side comes from zod's own JSON
 * Schema output, so a field added to either side without the other fails here.
 */

type JsonSchema = {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  propertyNames?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  scope?: string;
};

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, JsonSchema> } };
};
const contributed = manifest.contributes.configuration.properties;
const schema = z.toJSONSchema(settingsSchema, { io: 'input' }) as JsonSchema;

/** The schema's settings as VS Code names them: nested objects (diagnostics) become dotted keys. */
function flatten(properties: Record<string, JsonSchema>, prefix = 'workflowSecrets'): Map<string, JsonSchema> {
  const flat = new Map<string, JsonSchema>();
  for (const [key, property] of Object.entries(properties)) {
    const name = `${prefix}.${key}`;
    if (property.type === 'object' && property.properties) for (const [inner, value] of flatten(property.properties, name)) flat.set(inner, value);
    else flat.set(name, property);
  }
  return flat;
}

const expected = flatten(schema.properties ?? {});
const sorted = (values: unknown[] | undefined) => (values ? [...values].map(String).sort() : undefined);
/** zod says "no maximum" with MAX_SAFE_INTEGER; VS Code needs none. */
const bound = (value: number | undefined) => (value === Number.MAX_SAFE_INTEGER ? undefined : value);

function assertSameScalar(name: string, actual: JsonSchema, wanted: JsonSchema): void {
  assert.equal(actual.type, wanted.type, `${name}: type`);
  assert.deepEqual(actual.default, wanted.default, `${name}: default`);
  assert.deepEqual(sorted(actual.enum), sorted(wanted.enum ?? (wanted.const !== undefined ? [wanted.const] : undefined)), `${name}: enum`);
  assert.equal(actual.minimum, wanted.minimum, `${name}: minimum`);
  assert.equal(bound(actual.maximum), bound(wanted.maximum), `${name}: maximum`);
  assert.equal(actual.exclusiveMinimum, wanted.exclusiveMinimum, `${name}: exclusiveMinimum`);
}

describe('contributes.configuration mirrors shared/settings.ts', () => {
  it('declares exactly the settings of the schema', () => {
    assert.deepEqual(Object.keys(contributed).sort(), [...expected.keys()].sort());
  });

  it('agrees on type, default, enum and bounds of every scalar and list setting', () => {
    for (const [name, wanted] of expected) {
      if (name === 'workflowSecrets.diagnostics.severity' || name === 'workflowSecrets.providers') continue;
      const actual = contributed[name];
      assert.ok(actual, `${name} is contributed`);
      assertSameScalar(name, actual, wanted);
      if (wanted.items) assert.equal(actual.items?.type, wanted.items.type, `${name}: item type`);
    }
  });

  it('offers a severity for every diagnostic code, and only the schema severities', () => {
    const actual = contributed['workflowSecrets.diagnostics.severity']!;
    const wanted = expected.get('workflowSecrets.diagnostics.severity')!;
    assert.deepEqual(actual.default, wanted.default);
    assert.deepEqual(Object.keys(actual.properties ?? {}).sort(), sorted(wanted.propertyNames?.enum));
    assert.deepEqual(Object.keys(actual.properties ?? {}).sort(), [...DIAGNOSTIC_CODES].sort());
    for (const [code, property] of Object.entries(actual.properties ?? {})) {
      assert.deepEqual(sorted(property.enum), sorted((wanted.additionalProperties as JsonSchema).enum), `severity of ${code}`);
      assert.deepEqual(sorted(property.enum), [...SEVERITIES].sort());
    }
    assert.equal(actual.additionalProperties, false, 'unknown codes are flagged in the settings editor');
  });

  it('describes a provider entry field by field, with the same required fields', () => {
    const actual = contributed['workflowSecrets.providers']!;
    const wanted = expected.get('workflowSecrets.providers')!;
    assert.deepEqual(actual.default, wanted.default);
    const actualItem = actual.items!;
    const wantedItem = wanted.items!;
    assert.deepEqual(Object.keys(actualItem.properties ?? {}).sort(), Object.keys(wantedItem.properties ?? {}).sort());
    assert.deepEqual([...(actualItem.required ?? [])].sort(), [...(wantedItem.required ?? [])].sort());
    for (const [field, property] of Object.entries(wantedItem.properties ?? {})) {
      assertSameScalar(`providers[].${field}`, actualItem.properties![field]!, property);
    }
  });

  it('has defaults that parse to the schema defaults', () => {
    const fromManifest = {
      vaultPath: contributed['workflowSecrets.vaultPath']!.default,
      environment: contributed['workflowSecrets.environment']!.default,
      workflowGlobs: contributed['workflowSecrets.workflowGlobs']!.default,
      diagnostics: {
        severity: contributed['workflowSecrets.diagnostics.severity']!.default,
        debounceMs: contributed['workflowSecrets.diagnostics.debounceMs']!.default,
      },
      providers: contributed['workflowSecrets.providers']!.default,
    };
    assert.deepEqual(settingsSchema.parse(fromManifest), DEFAULT_SETTINGS);
  });

  it('keeps the vault location and providers out of workspace settings', () => {
    // A workspace could otherwise point the vault into itself or send provider tokens elsewhere.
    for (const name of ['workflowSecrets.vaultPath', 'workflowSecrets.environment', 'workflowSecrets.providers']) {
      assert.equal(contributed[name]?.scope, 'machine', `${name} scope`);
    }
  });
});
