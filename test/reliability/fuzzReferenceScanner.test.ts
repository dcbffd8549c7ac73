import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REFERENCE_FORM, formatReference, isReference, scanReferences, unescapeLiteral } from '../../shared/referenceGrammar';
import { NAME_PATTERN } from '../../shared/secretNames';
import { checkProperty } from './support/property';

/**
 * The reference scanner on 10,000+ generated strings per property: it never throws; every range
 * is in bounds, ordered and slices back to exactly what it reports; valid references are found
 * once each at their offsets; escaped ones never are.
 */
const TOKENS = ['{{', '}}', '{', '}', 'secrets', 'secret', 'Secrets', 'secerts', 'secrets.', '.', ':', '/', ' ', '\t', '\n', '\r\n', '\\', 'a', 'Z9', '_', '-', 'é', '😀', '\u0000', 'x'.repeat(130)];
const noisyText = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), { maxLength: 60 })
  .map((parts) => parts.join(''));
const validName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,24}$/);
const blanks = fc.constantFrom('', ' ', '  ', '\t');
/** Filler that cannot open, close or escape a reference. */
const filler = fc.string({ maxLength: 12 }).map((text) => text.replace(/[{}\\]/g, '~'));

function checkShape(text: string): void {
  const { references, malformed } = scanReferences(text);
  const spans: [number, number][] = [];
  for (const ref of references) {
    assert.ok(0 <= ref.start && ref.start < ref.nameStart && ref.nameStart < ref.nameEnd && ref.nameEnd < ref.fieldStart, 'reference offsets out of order');
    assert.ok(ref.fieldStart < ref.fieldEnd && ref.fieldEnd < ref.end && ref.end <= text.length, 'reference offsets out of bounds');
    assert.equal(text.slice(ref.start, ref.start + 2), '{{');
    assert.equal(text.slice(ref.end - 2, ref.end), '}}');
    assert.equal(text.slice(ref.nameStart, ref.nameEnd), ref.name);
    assert.equal(text.slice(ref.fieldStart, ref.fieldEnd), ref.field);
    assert.match(ref.name, NAME_PATTERN);
    assert.match(ref.field, NAME_PATTERN);
    assert.ok(isReference(text.slice(ref.start, ref.end)), 'the matched text alone is one reference');
    spans.push([ref.start, ref.end]);
  }
  for (const bad of malformed) {
    assert.ok(0 <= bad.start && bad.start < bad.end && bad.end <= text.length, `malformed range ${bad.start}-${bad.end} of ${text.length}`);
    assert.ok(bad.message.includes(REFERENCE_FORM), 'the message names the expected form');
    assert.equal(text.slice(bad.start, bad.start + 2), '{{');
    spans.push([bad.start, bad.end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], 'two findings overlap');
}

test('on noisy text the scanner never throws and every finding slices back exactly', async (t) => {
  await checkProperty(t, 'scanner: noisy text', fc.property(noisyText, checkShape));
});

test('on arbitrary unicode the scanner never throws and every finding slices back exactly', async (t) => {
  await checkProperty(t, 'scanner: arbitrary strings', fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkShape));
});

test('references built from valid names are found once each, at their offsets', async (t) => {
  const pieces = fc.array(fc.tuple(filler, validName, validName, blanks, blanks), { minLength: 1, maxLength: 8 });
  await checkProperty(
    t,
    'scanner: generated references found',
    fc.property(pieces, filler, (parts, tail) => {
      let text = '';
      const expected: { name: string; field: string; start: number }[] = [];
      for (const [before, name, field, open, close] of parts) {
        text += before;
        expected.push({ name, field, start: text.length });
        text += `{{${open}secrets.${name}.${field}${close}}}`;
      }
      text += tail;
      const { references, malformed } = scanReferences(text);
      assert.deepEqual(malformed, []);
      assert.deepEqual(
        references.map(({ name, field, start }) => ({ name, field, start })),
        expected,
      );
      checkShape(text);
    }),
  );
});

test('an escaped reference is literal text, and unescaping turns it back into a reference', async (t) => {
  await checkProperty(
    t,
    'scanner: escaped references',
    fc.property(filler, validName, validName, filler, (before, name, field, after) => {
      const reference = formatReference(name, field);
      const text = `${before}\\${reference}${after}`;
      const scanned = scanReferences(text);
      assert.deepEqual(scanned.references, []);
      assert.deepEqual(scanned.malformed, []);
      const literal = unescapeLiteral(text);
      assert.equal(literal, `${before}${reference}${after}`);
      assert.deepEqual(
        scanReferences(literal).references.map((ref) => [ref.name, ref.field]),
        [[name, field]],
      );
    }),
  );
});
