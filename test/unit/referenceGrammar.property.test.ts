import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatReference, scanReferences, unescapeLiteral } from '../../shared/referenceGrammar';
import { NAME_PATTERN } from '../../shared/secretNames';

const RUNS = { numRuns: 1000 };

/** Valid names: a letter or _, then letters, digits, _ or -, at most 128. */
const nameArb = fc
  .tuple(fc.constantFrom(...'abcxyzABCXYZ_'), fc.string({ unit: fc.constantFrom(...'abcdefxyzABCXYZ0189_-'), maxLength: 127 }))
  .map(([first, rest]) => first + rest);

/** Text around references: anything (unicode included) without `{{` and without a trailing backslash. */
const surroundingArb = fc
  .string({ unit: fc.oneof(fc.constantFrom('{', '}', '.', ' ', '\\', '\n', 's', 'secrets', 'é', '🙂', '$'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 30 })
  .filter((text) => !text.includes('{{') && !text.endsWith('\\'));

/** Strings dense in the characters the grammar cares about, plus arbitrary unicode. */
const grammarSoup = fc.string({
  unit: fc.oneof(
    fc.constantFrom('{{', '}}', '{', '}', 'secrets', 'secret', 'Secrets', '.', ':', ' ', '\t', '\n', '\\', 'a', '-', '_', '1', 'é'),
    fc.string({ unit: 'binary', maxLength: 1 }),
  ),
  maxLength: 80,
});

describe('reference grammar properties', () => {
  it('never throws, on arbitrary unicode and on grammar-dense soup', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), grammarSoup), (text) => {
        scanReferences(text);
        unescapeLiteral(text);
      }),
      RUNS,
    );
  });

  it('offsets slice back to exactly the matched text; malformed offsets are in bounds and do not overlap', () => {
    fc.assert(
      fc.property(grammarSoup, (text) => {
        const { references, malformed } = scanReferences(text);
        for (const reference of references) {
          const slice = text.slice(reference.start, reference.end);
          assert.ok(slice.startsWith('{{') && slice.endsWith('}}'));
          assert.equal(text.slice(reference.nameStart, reference.nameEnd), reference.name);
          assert.equal(text.slice(reference.fieldStart, reference.fieldEnd), reference.field);
          assert.match(reference.name, NAME_PATTERN);
          assert.match(reference.field, NAME_PATTERN);
          assert.equal(slice.replace(/[ \t]/g, ''), formatReference(reference.name, reference.field));
        }
        const spans = [...references, ...malformed].sort((a, b) => a.start - b.start);
        let previousEnd = 0;
        for (const span of spans) {
          assert.ok(span.start >= previousEnd && span.start < span.end && span.end <= text.length, `span ${span.start}-${span.end} in ${text.length}`);
          previousEnd = span.end;
        }
        for (const bad of malformed) assert.ok(bad.message.includes('{{secrets.NAME.FIELD}}'));
      }),
      RUNS,
    );
  });

  it('finds references built from random valid names and fields, exactly once each, with exact offsets', () => {
    const piece = fc.record({ name: nameArb, field: nameArb, spaced: fc.boolean(), after: surroundingArb });
    fc.assert(
      fc.property(surroundingArb, fc.array(piece, { minLength: 1, maxLength: 5 }), (before, pieces) => {
        let text = before;
        const expected: { name: string; field: string; start: number; end: number }[] = [];
        for (const { name, field, spaced, after } of pieces) {
          const reference = spaced ? `{{ secrets.${name}.${field} }}` : formatReference(name, field);
          expected.push({ name, field, start: text.length, end: text.length + reference.length });
          text += reference + after;
        }
        const { references } = scanReferences(text);
        assert.deepEqual(
          references.map(({ name, field, start, end }) => ({ name, field, start, end })),
          expected,
        );
      }),
      RUNS,
    );
  });

  it('an escaped reference is never found, and unescaping it yields the reference text', () => {
    fc.assert(
      fc.property(nameArb, nameArb, (name, field) => {
        const reference = formatReference(name, field);
        assert.deepEqual(scanReferences(`\\${reference}`), { references: [], malformed: [] });
        assert.equal(unescapeLiteral(`\\${reference}`), reference);
      }),
      RUNS,
    );
  });

  it('stays linear: a long adversarial string scans quickly enough to finish at all', () => {
    // Not a timing assertion: quadratic behaviour on 2 MB would make this test run for minutes.
    const text = '{{secrets.a'.repeat(100_000) + '{{ secrets '.repeat(50_000) + `{{secrets.${'a'.repeat(500_000)}`;
    const { malformed } = scanReferences(text);
    assert.equal(malformed.length, 150_001);
  });
});
