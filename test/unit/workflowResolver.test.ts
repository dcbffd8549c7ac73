import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWorkflowSecretsError } from '../../shared/errors';
import { countLookups } from '../../shared/resolutionCache';
import { renderResolutionReport, reportSucceeded, resolutionReportToJson } from '../../shared/resolutionReport';
import type { SecretLookup, SecretLookupResult } from '../../shared/secretLookup';
import type { SecretData, SecretType } from '../../shared/secretTypes';
import { parseWorkflow } from '../../shared/workflowParser';
import { resolveWorkflow } from '../../shared/workflowResolver';
import type { ExecutableNode } from '../../shared/workflowResolver';

const STRIPE_CANARY = 'sk_live_CANARY_resolver_7f3a91';
const SMTP_PASSWORD_CANARY = 'smtp-pass-CANARY-55c2';

/** A lookup over an in-memory table, answering like the local vault would. */
function tableLookup(secrets: Record<string, { type: SecretType; data: SecretData }>): SecretLookup {
  return {
    async lookup(name): Promise<SecretLookupResult> {
      const secret = secrets[name];
      if (!secret) return { status: 'notFound', searched: ["local vault 'test'"] };
      return { status: 'found', name, type: secret.type, data: secret.data, from: { kind: 'local' } };
    },
  };
}

const vault = {
  stripe: { type: 'apiKey' as const, data: { value: STRIPE_CANARY } },
  smtp: { type: 'basicAuth' as const, data: { username: 'mailer', password: SMTP_PASSWORD_CANARY } },
  google: { type: 'oauth' as const, data: { clientId: 'client-1', clientSecret: 'google-secret-CANARY', scopes: ['email', 'profile'] } },
};

function workflow(nodes: unknown[]): ReturnType<typeof parseWorkflow> {
  const parsed = parseWorkflow(JSON.stringify({ name: 'test', nodes }, null, 2), 'json');
  assert.deepEqual(parsed.problems, [], 'fixture must parse cleanly');
  return parsed;
}

async function run(parsed: ReturnType<typeof parseWorkflow>, lookup: SecretLookup = tableLookup(vault)) {
  const executed: ExecutableNode[] = [];
  const report = await resolveWorkflow(parsed, { lookup, executeNode: (node) => void executed.push(node) });
  return { report, executed };
}

describe('resolveWorkflow', () => {
  it('looks each secret up once per run however many nodes use it', async () => {
    const nodes = Array.from({ length: 6 }, (_, index) => ({
      id: `n${index}`,
      type: 'http',
      config: { auth: `Bearer {{secrets.stripe.value}}`, again: '{{ secrets.stripe.value }}', user: '{{secrets.smtp.username}}' },
    }));
    const lookup = countLookups(tableLookup(vault));
    const { report, executed } = await run(workflow(nodes), lookup);
    assert.equal(lookup.count, 2);
    assert.equal(lookup.countFor('stripe'), 1);
    assert.equal(lookup.countFor('smtp'), 1);
    assert.equal(report.lookups, 2);
    assert.equal(executed.length, 6);
    // Every node gets the same values, each in a config object of its own.
    for (const node of executed) assert.deepEqual(node.config, { auth: `Bearer ${STRIPE_CANARY}`, again: STRIPE_CANARY, user: 'mailer' });
    assert.notEqual(executed[0]?.config, executed[1]?.config);
    assert.equal(report.totals.references, 18);
    assert.equal(report.totals.resolved, 18);
  });

  it('caches failures too, so a missing secret is asked for once', async () => {
    const nodes = [
      { id: 'a', type: 'http', config: { key: '{{secrets.missing.value}}' } },
      { id: 'b', type: 'http', config: { key: '{{secrets.missing.value}}' } },
    ];
    const lookup = countLookups(tableLookup(vault));
    const { report } = await run(workflow(nodes), lookup);
    assert.equal(lookup.countFor('missing'), 1);
    assert.deepEqual(report.nodes.map((node) => node.status), ['blocked', 'blocked']);
  });

  it('gives the executor the resolved config: several references per string, nesting, lists and non-strings kept', async () => {
    const nodes = [
      {
        id: 'send',
        type: 'email',
        config: {
          login: '{{secrets.smtp.username}}:{{ secrets.smtp.password }}',
          nested: { list: ['x-{{secrets.stripe.value}}-y', 42, true, null], scopes: '{{secrets.google.scopes}}' },
          port: 587,
        },
      },
    ];
    const { executed } = await run(workflow(nodes));
    assert.equal(executed.length, 1);
    assert.deepEqual(executed[0], {
      index: 0,
      id: 'send',
      name: undefined,
      type: 'email',
      config: {
        login: `mailer:${SMTP_PASSWORD_CANARY}`,
        nested: { list: [`x-${STRIPE_CANARY}-y`, 42, true, null], scopes: 'email profile' },
        port: 587,
      },
    });
  });

  it('turns an escaped literal \\{{secrets. into text and does not resolve it', async () => {
    const nodes = [{ id: 'doc', type: 'template', config: { body: 'Write \\{{secrets.NAME.FIELD}} to use {{secrets.stripe.value}}' } }];
    const lookup = countLookups(tableLookup(vault));
    const { executed, report } = await run(workflow(nodes), lookup);
    assert.equal((executed[0]?.config as { body: string }).body, `Write {{secrets.NAME.FIELD}} to use ${STRIPE_CANARY}`);
    assert.equal(lookup.countFor('NAME'), 0);
    assert.equal(report.nodes[0]?.references.length, 1);
  });

  it('blocks a node with a missing secret or field and runs the others', async () => {
    const nodes = [
      { id: 'ok', type: 'http', config: { key: '{{secrets.stripe.value}}' } },
      { id: 'noSecret', type: 'http', config: { key: '{{secrets.nope.value}}' } },
      { id: 'noField', type: 'email', config: { pass: '{{secrets.smtp.pasword}}', user: '{{secrets.smtp.username}}' } },
    ];
    const { report, executed } = await run(workflow(nodes));
    assert.deepEqual(executed.map((node) => node.id), ['ok']);
    assert.deepEqual(report.nodes.map((node) => node.status), ['executed', 'blocked', 'blocked']);
    const missing = report.nodes[1]?.references[0];
    assert.equal(missing?.status, 'secret-not-found');
    assert.match(missing?.message ?? '', /"nope" was not found; looked in: local vault 'test'/);
    const badField = report.nodes[2]?.references.find((ref) => ref.field === 'pasword');
    assert.equal(badField?.status, 'field-not-found');
    assert.match(badField?.message ?? '', /no field "pasword"; its fields are: username, password/);
    assert.equal(report.nodes[2]?.references.find((ref) => ref.field === 'username')?.status, 'ok');
    assert.equal(reportSucceeded(report), false);
    assert.equal(report.totals.blocked, 2);
  });

  it('rejects a node whose config holds a malformed reference, with the expected form in the message', async () => {
    const nodes = [
      { id: 'bad', type: 'http', config: { key: '{{secrets.stripe}}' } },
      { id: 'good', type: 'http', config: { key: '{{secrets.stripe.value}}' } },
    ];
    const { report, executed } = await run(workflow(nodes));
    assert.deepEqual(executed.map((node) => node.id), ['good']);
    const bad = report.nodes[0];
    assert.equal(bad?.status, 'blocked');
    assert.equal(bad?.malformed.length, 1);
    assert.match(bad?.message ?? '', /malformed reference .*\{\{secrets\.NAME\.FIELD\}\}/);
  });

  it('reports where each value came from, including a fallback, and provider outages', async () => {
    const lookup: SecretLookup = {
      async lookup(name) {
        if (name === 'stripe') return { status: 'found', name, type: 'apiKey', data: { value: STRIPE_CANARY }, from: { kind: 'provider', provider: 'team' } };
        if (name === 'smtp') {
          return { status: 'found', name, type: 'basicAuth', data: vault.smtp.data, from: { kind: 'local', fallbackFrom: { provider: 'team', reason: 'connection refused' } } };
        }
        return { status: 'unavailable', provider: 'team', reason: 'timed out after 5 s' };
      },
    };
    const nodes = [{ id: 'a', type: 'http', config: { a: '{{secrets.stripe.value}}', b: '{{secrets.smtp.password}}', c: '{{secrets.google.clientId}}' } }];
    const { report } = await run(workflow(nodes), lookup);
    const [a, b, c] = report.nodes[0]?.references ?? [];
    assert.deepEqual(a?.from, { kind: 'provider', provider: 'team' });
    assert.equal(b?.from?.kind, 'local');
    assert.equal(report.totals.fallbacks, 1);
    assert.equal(c?.status, 'provider-unavailable');
    assert.match(c?.message ?? '', /Provider "team" is unavailable \(timed out after 5 s\)/);
    const text = renderResolutionReport(report);
    assert.match(text, /from provider "team"/);
    assert.match(text, /local vault \(fallback: provider "team" unavailable: connection refused\)/);
  });

  it('turns a throwing lookup into a cached error for that secret', async () => {
    let calls = 0;
    const lookup: SecretLookup = {
      async lookup() {
        calls += 1;
        throw new Error('permission denied by policy');
      },
    };
    const nodes = [
      { id: 'a', type: 'http', config: { a: '{{secrets.stripe.value}}' } },
      { id: 'b', type: 'http', config: { a: '{{secrets.stripe.value}}' } },
    ];
    const { report } = await run(workflow(nodes), lookup);
    assert.equal(calls, 1);
    assert.equal(report.nodes[1]?.references[0]?.status, 'error');
    assert.match(report.nodes[1]?.references[0]?.message ?? '', /permission denied by policy/);
  });

  it('keeps values out of the report, its text and its JSON', async () => {
    const nodes = [
      { id: 'a', type: 'http', config: { a: '{{secrets.stripe.value}}', b: '{{secrets.smtp.password}}', c: '{{secrets.smtp.nope}}' } },
    ];
    const { report } = await run(workflow(nodes));
    for (const output of [JSON.stringify(report), renderResolutionReport(report, { fileName: 'a.workflow.json' }), resolutionReportToJson(report, 'a.workflow.json')]) {
      assert.ok(!output.includes(STRIPE_CANARY));
      assert.ok(!output.includes(SMTP_PASSWORD_CANARY));
      assert.ok(!output.includes('mailer'));
    }
  });

  it('masks resolved values out of an executor error', async () => {
    const nodes = [{ id: 'a', type: 'http', config: { key: '{{secrets.stripe.value}}' } }];
    const report = await resolveWorkflow(workflow(nodes), {
      lookup: tableLookup(vault),
      executeNode: (node) => {
        throw new Error(`upstream rejected key ${(node.config as { key: string }).key}`);
      },
    });
    assert.equal(report.nodes[0]?.status, 'failed');
    assert.match(report.nodes[0]?.message ?? '', /upstream rejected key \*{8}/);
    assert.ok(!JSON.stringify(report).includes(STRIPE_CANARY));
  });

  it('is a dry run without an executor, with line and column of each reference', async () => {
    const parsed = workflow([{ id: 'a', type: 'http', config: { key: '{{secrets.stripe.value}}' } }]);
    const report = await resolveWorkflow(parsed, { lookup: tableLookup(vault) });
    assert.equal(report.dryRun, true);
    assert.equal(report.nodes[0]?.status, 'executed');
    const ref = report.nodes[0]?.references[0];
    const lineText = parsed.text.split('\n')[(ref?.line ?? 0) - 1] ?? '';
    assert.equal(lineText.slice((ref?.column ?? 0) - 1, (ref?.column ?? 0) - 1 + 24), '{{secrets.stripe.value}}');
    assert.match(renderResolutionReport(report), /ready \(would execute\)/);
  });

  it('skips the remaining nodes when cancelled and reports progress', async () => {
    const controller = new AbortController();
    const progress: [number, number][] = [];
    const nodes = ['a', 'b', 'c'].map((id) => ({ id, type: 'http', config: { key: '{{secrets.stripe.value}}' } }));
    const report = await resolveWorkflow(workflow(nodes), {
      lookup: tableLookup(vault),
      signal: controller.signal,
      onProgress: (done, total) => progress.push([done, total]),
      executeNode: (node) => {
        if (node.id === 'a') controller.abort();
      },
    });
    assert.equal(report.cancelled, true);
    assert.deepEqual(report.nodes.map((node) => node.status), ['executed', 'skipped', 'skipped']);
    assert.deepEqual(progress[0], [1, 3]);
    assert.equal(reportSucceeded(report), false);
  });

  it('refuses a workflow that does not parse, naming the line', async () => {
    const parsed = parseWorkflow('{\n  "name": "x",\n  "nodes": [\n    { "id": "a", "type": "http", }\n  \n', 'json');
    await assert.rejects(resolveWorkflow(parsed, { lookup: tableLookup(vault) }), (error) => isWorkflowSecretsError(error, 'workflow-invalid') && /line \d+/.test(error.message));
  });

  it('resolves YAML workflows the same way', async () => {
    const text = ['name: y', 'nodes:', '  - id: a', '    type: http', '    config:', '      key: "{{secrets.stripe.value}}"', '      block: |', '        user {{secrets.smtp.username}}', ''].join('\n');
    const parsed = parseWorkflow(text, 'yaml');
    const { executed } = await run(parsed);
    assert.deepEqual(executed[0]?.config, { key: STRIPE_CANARY, block: 'user mailer\n' });
  });

  it('resolves references that YAML aliases repeat in other nodes', async () => {
    const text = [
      'name: aliases',
      'nodes:',
      '  - id: first',
      '    type: http',
      '    config:',
      '      auth: &stripeAuth "Bearer {{secrets.stripe.value}}"',
      '  - id: second',
      '    type: http',
      '    config:',
      '      auth: *stripeAuth',
      '      user: "{{secrets.smtp.username}}"',
      '',
    ].join('\n');
    const parsed = parseWorkflow(text, 'yaml');
    assert.deepEqual(parsed.problems, []);
    const lookup = countLookups(tableLookup(vault));
    const { report, executed } = await run(parsed, lookup);
    assert.deepEqual(
      report.nodes.map((node) => node.status),
      ['executed', 'executed'],
    );
    assert.deepEqual(executed[1]?.config, { auth: `Bearer ${STRIPE_CANARY}`, user: 'mailer' });
    const second = report.nodes[1];
    assert.deepEqual(second?.references.map((ref) => `${ref.name}.${ref.field}:${ref.status}`).sort(), ['smtp.username:ok', 'stripe.value:ok']);
    assert.equal(lookup.countFor('stripe'), 1);
    assert.ok(!JSON.stringify(report).includes(STRIPE_CANARY));
  });
});
