import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanReferences, unescapeLiteral } from '../../shared/referenceGrammar';
import { ConfigSubstitution, wellFormedAt, type NodeValues, type ReferenceParts } from '../../shared/resolutionSubstitution';

const CANARY = 'sk_live_CANARY_substitution_31c9';

/** Values by `NAME.FIELD`; anything else has none. */
function valuesOf(table: Record<string, string>): NodeValues {
  return { valueAt: (text, nameStart, nameEnd, fieldStart, fieldEnd) => table[`${text.slice(nameStart, nameEnd)}.${text.slice(fieldStart, fieldEnd)}`] };
}

/** The resolver's substitution as it was before the fast path: scan every string, unescape around references. */
function scannerSubstitute(value: unknown, table: Record<string, string>, missing: string[]): unknown {
  if (typeof value === 'string') {
    const { references } = scanReferences(value);
    if (references.length === 0) return unescapeLiteral(value);
    let result = '';
    let last = 0;
    for (const ref of references) {
      const found = table[`${ref.name}.${ref.field}`];
      if (found === undefined) missing.push(`{{secrets.${ref.name}.${ref.field}}}`);
      result += unescapeLiteral(value.slice(last, ref.start)) + (found ?? '');
      last = ref.end;
    }
    return result + unescapeLiteral(value.slice(last));
  }
  if (Array.isArray(value)) return value.map((item) => scannerSubstitute(item, table, missing));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scannerSubstitute(item, table, missing)]));
  return value;
}

const TABLE = { 'a.v': 'A-value', 'b.w': CANARY, 'x-1.v': '' };

/** Strings dense in what the grammar cares about: openers, names, blanks, escapes, typos, other templates. */
const soup = fc.string({
  unit: fc.oneof(
    fc.constantFrom('{{', '}}', '{', '}', 'secrets.', 'secret.', 'secrets', '.', 'a', 'b', 'x-1', 'v', 'w', ' ', '\t', '\n', '\\', 'é', 'env.HOME', 'a'.repeat(129)),
    // Whole references, so that strings often hold only well-formed ones (the common case).
    fc.constantFrom('{{secrets.a.v}}', '{{ secrets.b.w\t}}', '{{secrets.x-1.v}}', '{{secrets.nope.v}}', `{{secrets.${'n'.repeat(129)}.v}}`),
  ),
  maxLength: 24,
});
const configArb = fc.dictionary(fc.constantFrom('k', 'l', '__proto__', '0'), fc.oneof(soup, fc.array(soup, { maxLength: 3 }), fc.integer(), fc.constant(null)), { maxKeys: 4 });

describe('ConfigSubstitution', () => {
  it('replaces exactly what the scanner finds, unescapes literals and reports the same missing references, for any strings', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const missing: string[] = [];
        const want = scannerSubstitute(config, TABLE, missing);
        const substitution = new ConfigSubstitution(true);
        assert.deepEqual(substitution.apply(config, valuesOf(TABLE)), want);
        assert.deepEqual(substitution.missing, missing);
        const dry = new ConfigSubstitution(false);
        assert.equal(dry.apply(config, valuesOf(TABLE)), config, 'a dry run builds nothing');
        assert.deepEqual(dry.missing, missing);
      }),
      { numRuns: 2000 },
    );
  });

  it('hands out a copy of its own: changing it changes neither the parsed config nor the next copy', () => {
    const parsed = { url: 'https://x', headers: { auth: 'Bearer {{secrets.b.w}}' }, body: { note: 'n', list: [{ deep: 1 }] } };
    const before = structuredClone(parsed);
    const substitution = new ConfigSubstitution(true);
    const first = substitution.apply(parsed, valuesOf(TABLE)) as typeof parsed;
    assert.equal(first.headers.auth, `Bearer ${CANARY}`);
    first.body.note = 'changed';
    first.body.list[0]!.deep = 2;
    first.body.list.push({ deep: 3 });
    assert.deepEqual(parsed, before);
    assert.notEqual(first.body, parsed.body);
    const second = substitution.apply(parsed, valuesOf(TABLE)) as typeof parsed;
    assert.deepEqual(second.body, before.body);
  });

  it('keeps a __proto__ key as data, as JSON.parse does, without touching the prototype', () => {
    const parsed = JSON.parse('{"__proto__": "{{secrets.a.v}}", "k": "{{secrets.a.v}}"}') as Record<string, unknown>;
    const copy = new ConfigSubstitution(true).apply(parsed, valuesOf(TABLE)) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value, 'A-value');
    assert.equal(copy.k, 'A-value');
  });

  it('lists a reference without a value as missing and leaves nothing of it in the text', () => {
    const substitution = new ConfigSubstitution(true);
    assert.equal(substitution.apply('x {{ secrets.a.v }} y {{secrets.nope.v}} z', valuesOf(TABLE)), 'x A-value y  z');
    assert.deepEqual(substitution.missing, ['{{secrets.nope.v}}']);
    // The next config starts with a clean list.
    assert.equal(substitution.apply('{{secrets.a.v}}', valuesOf(TABLE)), 'A-value');
    assert.deepEqual(substitution.missing, []);
  });
});

describe('wellFormedAt', () => {
  it('accepts an opener exactly when the scanner finds a reference there, with the same parts', () => {
    fc.assert(
      fc.property(soup, (text) => {
        const scan = scanReferences(text);
        for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', open + 1)) {
          const parts: ReferenceParts = { nameStart: 0, nameEnd: 0, fieldStart: 0, fieldEnd: 0, end: 0 };
          const found = scan.references.find((ref) => ref.start === open);
          if (!wellFormedAt(text, open, parts)) {
            assert.ok(!found, `refused ${JSON.stringify(text)} at ${open}, the scanner found a reference`);
            continue;
          }
          // An escaped opener is the caller's to judge (it hands such strings to the scanner).
          if (text[open - 1] === '\\') continue;
          assert.ok(found, `accepted ${JSON.stringify(text)} at ${open}, the scanner did not`);
          assert.deepEqual(parts, { nameStart: found.nameStart, nameEnd: found.nameEnd, fieldStart: found.fieldStart, fieldEnd: found.fieldEnd, end: found.end });
        }
      }),
      { numRuns: 3000 },
    );
  });
});
