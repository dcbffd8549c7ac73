import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReference, isReference, REFERENCE_FORM, scanReferences, unescapeLiteral } from '../../shared/referenceGrammar';

const only = (text: string) => {
  const result = scanReferences(text);
  assert.equal(result.references.length + result.malformed.length, 1, `one finding in ${JSON.stringify(text)}`);
  return result;
};

describe('scanReferences: valid references', () => {
  it('finds a reference with exact offsets for the whole text, the name and the field', () => {
    const text = 'Bearer {{secrets.stripe.value}} ok';
    const [reference] = only(text).references;
    assert.ok(reference);
    assert.equal(text.slice(reference.start, reference.end), '{{secrets.stripe.value}}');
    assert.equal(reference.name, 'stripe');
    assert.equal(reference.field, 'value');
    assert.equal(text.slice(reference.nameStart, reference.nameEnd), 'stripe');
    assert.equal(text.slice(reference.fieldStart, reference.fieldEnd), 'value');
  });

  it('allows spaces and tabs right inside the braces', () => {
    for (const text of ['{{ secrets.a.b }}', '{{\tsecrets.a.b\t}}', '{{   secrets.a.b}}', '{{secrets.a.b    }}']) {
      const [reference] = only(text).references;
      assert.deepEqual([reference?.name, reference?.field, reference?.start, reference?.end], ['a', 'b', 0, text.length], text);
    }
  });

  it('accepts every name the naming rule accepts, up to 128 characters', () => {
    const long = `_${'x'.repeat(127)}`;
    for (const [name, field] of [['A', 'b'], ['_x-9', 'client_id'], [long, long], ['my-secret', 'Field-2']] as const) {
      const [reference] = only(formatReference(name, field)).references;
      assert.deepEqual([reference?.name, reference?.field], [name, field]);
    }
  });

  it('finds several references in one string, in order', () => {
    const { references, malformed } = scanReferences('{{secrets.a.b}}:{{ secrets.c.d }}{{secrets.e.f}}');
    assert.deepEqual(malformed, []);
    assert.deepEqual(references.map((reference) => `${reference.name}.${reference.field}@${reference.start}`), ['a.b@0', 'c.d@16', 'e.f@33']);
  });

  it('finds the reference inside triple braces and after a stray brace', () => {
    const text = '{{{secrets.a.b}}}';
    const [reference] = only(text).references;
    assert.equal(text.slice(reference?.start, reference?.end), '{{secrets.a.b}}');
  });
});

describe('scanReferences: malformed references', () => {
  const cases: [string, string, string][] = [
    ['{{secrets.stripe}}', 'missing-segment', 'the field is missing'],
    ['{{secrets}}', 'missing-segment', 'the secret name and the field are missing'],
    ['{{ secrets }}', 'missing-segment', 'the secret name and the field are missing'],
    ['{{secrets.}}', 'empty-segment', 'the secret name is empty'],
    ['{{secrets..value}}', 'empty-segment', 'the secret name is empty'],
    ['{{secrets.stripe.}}', 'empty-segment', 'the field name is empty'],
    ['{{secrets.stripe.value.extra}}', 'extra-segment', '".extra" follows the field'],
    ['{{secrets.1stripe.value}}', 'invalid-character', 'the secret name "1stripe"'],
    ['{{secrets.str ipe.value}}', 'invalid-character', 'spaces are allowed only right after {{ and before }}'],
    ['{{secrets.stripe.val$ue}}', 'invalid-character', 'the field name "val$ue"'],
    ['{{secrets.stripé.value}}', 'invalid-character', 'the secret name "stripé"'],
    [`{{secrets.${'a'.repeat(129)}.value}}`, 'invalid-character', '129 characters long (at most 128)'],
    ['{{ secrets .a.b }}', 'invalid-character', 'where a dot belongs'],
    ['{{secrets.stripe.value', 'unclosed', 'the closing }} is missing'],
    ['{{secrets.stripe.value}', 'unclosed', 'the closing }} is missing'],
    ['{{secret.stripe.value}}', 'likely-typo', '"secret" should be "secrets"'],
    ['{{Secrets.stripe.value}}', 'likely-typo', '"Secrets" should be "secrets"'],
    ['{{SECRETS.stripe.value}}', 'likely-typo', '"SECRETS" should be "secrets"'],
    ['{{ secerts.stripe.value }}', 'likely-typo', '"secerts" should be "secrets"'],
    ['{{ secrets:stripe.value }}', 'likely-typo', '":" separates the parts'],
    ['{{secrets/stripe/value}}', 'likely-typo', '"/" separates the parts'],
  ];
  for (const [text, code, what] of cases) {
    it(`${code}: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`, () => {
      const { references, malformed } = scanReferences(`x ${text} y`);
      assert.deepEqual(references, []);
      assert.equal(malformed.length, 1);
      const [bad] = malformed;
      assert.equal(bad?.code, code);
      assert.ok(bad?.message.includes(REFERENCE_FORM), `names the expected form: ${bad?.message}`);
      assert.ok(bad?.message.includes(what), `says what is wrong: ${bad?.message}`);
      assert.equal(bad?.start, 2);
    });
  }

  it('covers the whole reference when it is closed, and only the reference-like run when it is not', () => {
    const closed = 'a {{secrets.a.b.c}} b';
    const [extra] = scanReferences(closed).malformed;
    assert.equal(closed.slice(extra?.start, extra?.end), '{{secrets.a.b.c}}');
    const open = 'a {{secrets.github.token and more text';
    const [unclosed] = scanReferences(open).malformed;
    assert.equal(open.slice(unclosed?.start, unclosed?.end), '{{secrets.github.token');
  });

  it('stops an unclosed reference at a line break or at the next {{, and still finds the next reference', () => {
    const text = '{{secrets.a.b\n{{secrets.c.d}} {{secrets.e.f {{secrets.g.h}}';
    const { references, malformed } = scanReferences(text);
    assert.deepEqual(references.map((reference) => reference.name), ['c', 'g']);
    assert.deepEqual(malformed.map((bad) => [bad.code, text.slice(bad.start, bad.end)]), [
      ['unclosed', '{{secrets.a.b'],
      ['unclosed', '{{secrets.e.f'],
    ]);
  });

  it('leaves other templates alone, including short words near "secrets"', () => {
    for (const text of ['{{other.things}}', '{{ env.HOME }}', '{{secret}}', '{{ steps.build.output }}', '{{sets.a}}', '{{', '}}', '{ {secrets.a.b} }', '{{\nsecrets.a.b}}']) {
      assert.deepEqual(scanReferences(text), { references: [], malformed: [] }, text);
    }
  });
});

describe('literal {{secrets. text', () => {
  it('treats a backslash before the opener as literal text: neither reference nor malformed', () => {
    for (const text of ['\\{{secrets.a.b}}', 'x \\{{ secrets.a.b }}', '\\{{secrets.broken', '\\{{secret.a.b}}']) {
      assert.deepEqual(scanReferences(text), { references: [], malformed: [] }, text);
    }
  });

  it('unescapeLiteral drops exactly that backslash and nothing else', () => {
    assert.equal(unescapeLiteral('use \\{{secrets.a.b}} literally'), 'use {{secrets.a.b}} literally');
    assert.equal(unescapeLiteral('\\{{ secrets.x }} and \\{{Secrets.y.z}}'), '{{ secrets.x }} and {{Secrets.y.z}}');
    assert.equal(unescapeLiteral('C:\\{{other}} \\n \\\\'), 'C:\\{{other}} \\n \\\\', 'other backslashes stay');
    assert.equal(unescapeLiteral('no escapes'), 'no escapes');
  });

  it('keeps a real reference next to an escaped one', () => {
    const text = '\\{{secrets.a.b}} {{secrets.c.d}}';
    assert.deepEqual(scanReferences(text).references.map((reference) => reference.name), ['c']);
  });
});

describe('formatReference and isReference', () => {
  it('formats the canonical reference and recognizes exactly one reference', () => {
    assert.equal(formatReference('stripe', 'value'), '{{secrets.stripe.value}}');
    assert.equal(isReference('{{ secrets.stripe.value }}'), true);
    assert.equal(isReference('x {{secrets.stripe.value}}'), false);
    assert.equal(isReference('{{secrets.stripe}}'), false);
  });
});
