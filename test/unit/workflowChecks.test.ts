import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog } from '../../shared/catalog';
import { checkWorkflow, type WorkflowDiagnostic } from '../../shared/workflowChecks';
import { parseWorkflow } from '../../shared/workflowParser';
import { catalogSecret as secret } from '../helpers/catalogSecret';


const catalog: Catalog = {
  state: 'ready',
  environment: 'default',
  secrets: [
    secret('stripe', 'apiKey', ['value']),
    secret('github', 'bearerToken', ['token', 'expiresAt'], { expiresAt: '2025-01-01T00:00:00Z' }),
    secret('crm', 'oauth', ['clientId', 'clientSecret']),
    secret('team', 'custom', [], { source: { kind: 'provider', provider: 'team-vault' } }),
  ],
};
const now = new Date('2025-01-04T00:00:00Z');

const YAML = `name: demo
description: "{{secrets.stripe.value}}"
nodes:
  - id: a
    type: http
    config:
      ok: "{{secrets.stripe.value}}"
      typo: "{{secrets.Stripe.value}}"
      field: "{{secrets.stripe.key}}"
      optional: "{{secrets.crm.refreshToken}}"
      expired: "Bearer {{secrets.github.token}}"
      provider: "{{secrets.team.anything}}"
      broken: "{{secrets.stripe}}"
  - id: a
    type: http
`;

/** The text each diagnostic's range covers, with its code. */
function covered(text: string, diagnostics: WorkflowDiagnostic[]): [string, string][] {
  return diagnostics.map((diagnostic) => [diagnostic.code, text.slice(diagnostic.range.start, diagnostic.range.end)]);
}

describe('checkWorkflow', () => {
  it('reports each problem with its code and the exact text range, sorted by position', () => {
    const found = checkWorkflow(parseWorkflow(YAML, 'yaml'), catalog, { now });
    assert.deepEqual(covered(YAML, found), [
      ['reference-outside-config', '{{secrets.stripe.value}}'],
      ['unknown-secret', 'Stripe'],
      ['unknown-field', 'key'],
      ['unknown-field', 'refreshToken'],
      ['expired-secret', '{{secrets.github.token}}'],
      ['malformed-reference', '{{secrets.stripe}}'],
      ['structure', 'a'],
    ]);
    const severities = Object.fromEntries(found.map((diagnostic) => [diagnostic.code, diagnostic.severity]));
    assert.deepEqual(severities, {
      'reference-outside-config': 'warning',
      'unknown-secret': 'error',
      'unknown-field': 'error',
      'expired-secret': 'warning',
      'malformed-reference': 'error',
      structure: 'error',
    });
  });

  it('names the closest secret, lists the fields, and says when a token expired', () => {
    const found = checkWorkflow(parseWorkflow(YAML, 'yaml'), catalog, { now });
    const unknown = found.find((diagnostic) => diagnostic.code === 'unknown-secret')!;
    assert.match(unknown.message, /"Stripe".*Did you mean "stripe"/);
    assert.deepEqual(unknown.data, { name: 'Stripe', field: 'value', suggestions: ['stripe'], suggestedType: 'apiKey' });
    const [field, optional] = found.filter((diagnostic) => diagnostic.code === 'unknown-field');
    assert.match(field!.message, /has no field "key".*Its fields: value/);
    assert.deepEqual(field!.data?.fields, ['value']);
    assert.match(optional!.message, /optional oauth field that this secret does not set.*clientId, clientSecret/);
    const expired = found.find((diagnostic) => diagnostic.code === 'expired-secret')!;
    assert.match(expired.message, /expired on 2025-01-01T00:00:00Z \(3 days ago\)/);
  });

  it('reports nothing unknown while the catalog is not ready: one information diagnostic counts the unverified references', () => {
    const locked: Catalog = { state: 'keyMissing', environment: 'default', secrets: [] };
    const text = 'nodes:\n  - id: a\n    type: t\n    config:\n      a: "{{secrets.one.x}}"\n      b: "{{secrets.two.y}}"\n';
    const found = checkWorkflow(parseWorkflow(text, 'yaml'), locked);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.code, 'unverified-references');
    assert.equal(found[0]!.severity, 'information');
    assert.match(found[0]!.message, /^2 secret references in this file could not be verified: the master key is missing/);
    assert.equal(text.slice(found[0]!.range.start, found[0]!.range.end), '{{secrets.one.x}}');
  });

  it('still checks the secrets a not-ready catalog does know', () => {
    const partial: Catalog = { state: 'providerUnavailable', stateReason: 'team-vault is unreachable', environment: 'default', secrets: [secret('local', 'apiKey', ['value'])] };
    const text = 'nodes:\n  - id: a\n    type: t\n    config:\n      a: "{{secrets.local.nope}}"\n      b: "{{secrets.remote.y}}"\n';
    const found = checkWorkflow(parseWorkflow(text, 'yaml'), partial);
    assert.deepEqual(
      found.map((diagnostic) => diagnostic.code),
      ['unknown-field', 'unverified-references'],
    );
    assert.match(found[1]!.message, /^1 secret reference in this file could not be verified: team-vault is unreachable/);
  });

  it('applies severity overrides and drops codes set to off', () => {
    const found = checkWorkflow(parseWorkflow(YAML, 'yaml'), catalog, { now, severities: { 'unknown-field': 'hint', 'reference-outside-config': 'off' } });
    assert.ok(!found.some((diagnostic) => diagnostic.code === 'reference-outside-config'));
    assert.deepEqual(
      found.filter((diagnostic) => diagnostic.code === 'unknown-field').map((diagnostic) => diagnostic.severity),
      ['hint', 'hint'],
    );
  });

  it('honours a YAML suppression comment and a JSON top-level key', () => {
    const yaml = `# workflow-secrets-disable unknown-field, expired-secret\n${YAML}`;
    const codes = checkWorkflow(parseWorkflow(yaml, 'yaml'), catalog, { now }).map((diagnostic) => diagnostic.code);
    assert.ok(!codes.includes('unknown-field') && !codes.includes('expired-secret'));
    assert.ok(codes.includes('unknown-secret'));

    const json = JSON.stringify({ 'workflow-secrets-disable': ['unknown-secret'], nodes: [{ id: 'a', type: 't', config: { a: '{{secrets.nope.x}}', b: '{{secrets.stripe.bad}}' } }] });
    assert.deepEqual(
      checkWorkflow(parseWorkflow(json, 'json'), catalog).map((diagnostic) => diagnostic.code),
      ['unknown-field'],
    );
    const all = JSON.stringify({ 'workflow-secrets-disable': true, nodes: [{ id: 'a', type: 't', config: { a: '{{secrets.nope.x}}' } }] });
    assert.deepEqual(checkWorkflow(parseWorkflow(all, 'json'), catalog), []);
  });

  it('passes syntax errors through with their positions', () => {
    const text = '{"nodes": [ {"id": "a", ';
    const found = checkWorkflow(parseWorkflow(text, 'json'), catalog);
    assert.ok(found.length > 0);
    assert.ok(found.every((diagnostic) => diagnostic.code === 'syntax' && diagnostic.severity === 'error'));
  });

  it('skips field checks for a provider secret whose fields are not learned yet', () => {
    const found = checkWorkflow(parseWorkflow(YAML, 'yaml'), catalog, { now });
    assert.ok(!found.some((diagnostic) => diagnostic.data?.name === 'team'));
  });
});
