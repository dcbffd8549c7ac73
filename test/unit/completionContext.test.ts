import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionContextAt } from '../../server/completionContext';
import type { WorkflowFormat } from '../../shared/workflowTypes';

/** `§` marks the cursor; returns the context found there. */
function at(source: string, format: WorkflowFormat) {
  const offset = source.indexOf('§');
  assert.ok(offset >= 0, 'the test text needs a § cursor');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  return { text, offset, context: completionContextAt(text, offset, format) };
}

describe('completion context: JSON', () => {
  it('offers the keyword right after {{ inside a string value', () => {
    const { context, offset } = at('{ "nodes": [{ "config": { "url": "{{§" } }] }', 'json');
    assert.equal(context?.kind, 'secretsKeyword');
    assert.equal(context?.segmentStart, offset);
    assert.equal(context?.typed, '');
  });

  it('offers names after {{secrets. and after {{ secrets. (spaced), replacing the typed part', () => {
    const plain = at('{"a": "Bearer {{secrets.str§"}', 'json');
    assert.equal(plain.context?.kind, 'secretName');
    assert.equal(plain.context?.typed, 'str');
    assert.equal(plain.context?.segmentStart, plain.offset - 3);
    assert.equal(plain.context?.spaced, false);
    const spaced = at('{"a": "{{ secrets.§"}', 'json');
    assert.equal(spaced.context?.kind, 'secretName');
    assert.equal(spaced.context?.spaced, true);
  });

  it('offers fields after {{secrets.NAME. and knows whether }} already follows', () => {
    const open = at('{"a": "{{secrets.stripe.va§"}', 'json');
    assert.deepEqual({ kind: open.context?.kind, name: open.context?.name, typed: open.context?.typed, closed: open.context?.closed }, { kind: 'fieldName', name: 'stripe', typed: 'va', closed: false });
    const closed = at('{"a": "{{secrets.stripe.§value}}"}', 'json');
    assert.equal(closed.context?.kind, 'fieldName');
    assert.equal(closed.context?.closed, true);
    // The segment covers the rest of the word after the cursor, so accepting replaces it.
    assert.equal(closed.context?.segmentEnd, closed.offset + 'value'.length);
  });

  it('sees a name in the middle of a finished reference as followed by a dot', () => {
    const { context } = at('{"a": "{{secrets.str§ipe.value}}"}', 'json');
    assert.equal(context?.kind, 'secretName');
    assert.equal(context?.followedByDot, true);
  });

  it('works inside a string with escaped quotes and backslashes before the reference', () => {
    const { context } = at('{"body": "{\\"auth\\": \\"C:\\\\dir {{secrets.§"}', 'json');
    assert.equal(context?.kind, 'secretName');
  });

  it('offers nothing outside strings, in keys, after a closed reference or for an escaped literal', () => {
    assert.equal(at('{"a": {{§', 'json').context, undefined);
    assert.equal(at('{"{{secrets.§": 1}', 'json').context, undefined);
    assert.equal(at('{"a": "{{secrets.a.b}} §"}', 'json').context, undefined);
    assert.equal(at('{"a": "x"} {{§', 'json').context, undefined);
    assert.equal(at('{"a": "\\\\{{secrets.§"}', 'json').context, undefined);
    assert.equal(at('{"a": "{{env.§"}', 'json').context, undefined);
  });

  it('works on a broken document (no closing quote or brace) as long as the line is in a string', () => {
    const { context } = at('{\n  "nodes": [\n    { "config": { "token": "{{secrets.api.§', 'json');
    assert.equal(context?.kind, 'fieldName');
    assert.equal(context?.name, 'api');
  });
});

describe('completion context: YAML', () => {
  it('offers after a key in plain, double- and single-quoted scalars', () => {
    assert.equal(at('url: https://x/{{secrets.§', 'yaml').context?.kind, 'secretName');
    assert.equal(at('auth: "Bearer {{secrets.§"', 'yaml').context?.kind, 'secretName');
    assert.equal(at("auth: 'it''s {{secrets.§'", 'yaml').context?.kind, 'secretName');
    assert.equal(at('auth: {{§', 'yaml').context?.kind, 'secretsKeyword');
  });

  it('offers in sequence items and flow collections', () => {
    assert.equal(at('args:\n  - --token={{secrets.§', 'yaml').context?.kind, 'secretName');
    assert.equal(at('args: [a, "{{secrets.x.§"]', 'yaml').context?.kind, 'fieldName');
    assert.equal(at('headers: { auth: "{{ secrets.§" }', 'yaml').context?.kind, 'secretName');
  });

  it('offers inside literal and folded block scalars, also on lines that look like keys or comments', () => {
    const literal = 'nodes:\n  - id: a\n    config:\n      script: |\n        curl -H "x: y" \\\n        # {{secrets.§';
    assert.equal(at(literal, 'yaml').context?.kind, 'secretName');
    const folded = 'config:\n  body: >-\n    first line\n      Authorization: {{secrets.api.§';
    assert.equal(at(folded, 'yaml').context?.kind, 'fieldName');
  });

  it('offers nothing in comments, keys, or after a block scalar ended', () => {
    assert.equal(at('url: x # {{secrets.§', 'yaml').context, undefined);
    assert.equal(at('# {{secrets.§', 'yaml').context, undefined);
    assert.equal(at('{{secrets.§: value', 'yaml').context, undefined);
    assert.equal(at('config:\n  script: |\n    body\n  # {{secrets.§', 'yaml').context, undefined);
    assert.equal(at('auth: "done" {{§', 'yaml').context, undefined);
  });

  it('handles CRLF line ends and non-ASCII text before the cursor', () => {
    const { context, offset } = at('name: x\r\nconfig:\r\n  note: "héllo 🌍 {{secrets.§"\r\n', 'yaml');
    assert.equal(context?.kind, 'secretName');
    assert.equal(context?.segmentStart, offset);
    const block = at('config:\r\n  script: |\r\n    échec {{secrets.db.§\r\n', 'yaml');
    assert.equal(block.context?.kind, 'fieldName');
  });

  it('completes while the document has syntax errors elsewhere', () => {
    const broken = 'nodes:\n  - id: a\n    config: [unclosed\n  - id: b\n    config:\n      token: "{{secrets.§"\n  bad: : :\n';
    assert.equal(at(broken, 'yaml').context?.kind, 'secretName');
  });
});
