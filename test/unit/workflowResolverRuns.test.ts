import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countLookups } from '../../shared/resolutionCache';
import type { SecretLookup, SecretLookupResult } from '../../shared/secretLookup';
import type { SecretData, SecretType } from '../../shared/secretTypes';
import { parseWorkflow } from '../../shared/workflowParser';
import { resolveWorkflow, type ExecutableNode } from '../../shared/workflowResolver';

// How a run goes node after node: executors that return promises, copies, positions, cancellation
// in the middle of a node, many references in one node, and runs side by side.

const STRIPE_CANARY = 'sk_live_CANARY_runs_5d21e0';
const SMTP_PASSWORD_CANARY = 'smtp-pass-CANARY-runs-88f1';

const vault: Record<string, { type: SecretType; data: SecretData }> = {
  stripe: { type: 'apiKey', data: { value: STRIPE_CANARY } },
  smtp: { type: 'basicAuth', data: { username: 'mailer', password: SMTP_PASSWORD_CANARY } },
};

function tableLookup(secrets: Record<string, { type: SecretType; data: SecretData }> = vault): SecretLookup {
  return {
    async lookup(name): Promise<SecretLookupResult> {
      const secret = secrets[name];
      if (!secret) return { status: 'notFound', searched: ["local vault 'test'"] };
      return { status: 'found', name, type: secret.type, data: secret.data, from: { kind: 'local' } };
    },
  };
}

function json(nodes: unknown[], eol = '\n'): ReturnType<typeof parseWorkflow> {
  const parsed = parseWorkflow(JSON.stringify({ name: 'runs', nodes }, null, 2).replace(/\n/g, eol), 'json');
  assert.deepEqual(parsed.problems, [], 'fixture must parse cleanly');
  return parsed;
}

/** The 1-based line and column of the n-th occurrence of `needle`, counted the way editors do. */
function positionOf(text: string, needle: string, occurrence = 0): { line: number; column: number } {
  let offset = -1;
  for (let seen = 0; seen <= occurrence; seen++) offset = text.indexOf(needle, offset + 1);
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

describe('resolveWorkflow runs', () => {
  it('awaits an executor that returns a promise, and reports a rejection as failed with values masked', async () => {
    const nodes = [
      { id: 'ok', type: 'http', config: { key: '{{secrets.stripe.value}}' } },
      { id: 'rejects', type: 'email', config: { pass: '{{secrets.smtp.password}}' } },
      { id: 'after', type: 'http', config: { key: '{{secrets.stripe.value}}' } },
    ];
    const finished: string[] = [];
    const report = await resolveWorkflow(json(nodes), {
      lookup: tableLookup(),
      executeNode: async (node) => {
        await Promise.resolve();
        if (node.id === 'rejects') throw new Error(`smtp refused ${(node.config as { pass: string }).pass}`);
        finished.push(node.id);
      },
    });
    assert.deepEqual(report.nodes.map((node) => node.status), ['executed', 'failed', 'executed']);
    assert.deepEqual(finished, ['ok', 'after']);
    assert.match(report.nodes[1]?.message ?? '', /smtp refused \*{8}/);
    assert.ok(!JSON.stringify(report).includes(SMTP_PASSWORD_CANARY));
  });

  it('calls the executor as a method of the options, as before', async () => {
    const seen: string[] = [];
    const options = {
      lookup: tableLookup(),
      prefix: 'ran:',
      executeNode(this: { prefix: string }, node: ExecutableNode) {
        seen.push(this.prefix + node.id);
      },
    };
    await resolveWorkflow(json([{ id: 'a', type: 'http', config: { key: '{{secrets.stripe.value}}' } }]), options);
    assert.deepEqual(seen, ['ran:a']);
  });

  it('gives each node a config of its own: an executor changing it changes neither the parsed document nor the next run', async () => {
    const text = [
      'name: copies',
      'nodes:',
      '  - id: first',
      '    type: http',
      '    config:',
      '      headers: &shared',
      '        auth: "Bearer {{secrets.stripe.value}}"',
      '        accept: json',
      '      list: [1, 2]',
      '  - id: second',
      '    type: http',
      '    config:',
      '      headers: *shared',
      '',
    ].join('\n');
    const parsed = parseWorkflow(text, 'yaml');
    const before = structuredClone(parsed.value);
    const seen: unknown[] = [];
    const vandal = (node: ExecutableNode) => {
      seen.push(structuredClone(node.config));
      const config = node.config as { headers: Record<string, string>; list?: number[] };
      config.headers.accept = 'changed';
      config.headers.auth = 'changed';
      config.list?.push(3);
    };
    await resolveWorkflow(parsed, { lookup: tableLookup(), executeNode: vandal });
    await resolveWorkflow(parsed, { lookup: tableLookup(), executeNode: vandal });
    assert.deepEqual(parsed.value, before);
    const expected = { headers: { auth: `Bearer ${STRIPE_CANARY}`, accept: 'json' } };
    assert.deepEqual(seen, [{ ...expected, list: [1, 2] }, expected, { ...expected, list: [1, 2] }, expected]);
  });

  it('places references by line and column in a \\r\\n document, a malformed one before them included', async () => {
    const nodes = [
      { id: 'a', type: 'http', config: { bad: '{{secrets.stripe}}', key: '{{secrets.stripe.value}}' } },
      { id: 'b', type: 'http', config: { key: 'x {{ secrets.smtp.username }}', again: '{{secrets.stripe.value}}' } },
    ];
    const parsed = json(nodes, '\r\n');
    const report = await resolveWorkflow(parsed, { lookup: tableLookup() });
    const [a, b] = report.nodes;
    assert.deepEqual({ line: a?.malformed[0]?.line, column: a?.malformed[0]?.column }, positionOf(parsed.text, '{{secrets.stripe}}'));
    const placed = [a?.references[0], b?.references[0], b?.references[1]].map((ref) => ({ line: ref?.line, column: ref?.column }));
    assert.deepEqual(placed, [
      positionOf(parsed.text, '{{secrets.stripe.value}}'),
      positionOf(parsed.text, '{{ secrets.smtp.username }}'),
      positionOf(parsed.text, '{{secrets.stripe.value}}', 1),
    ]);
    assert.equal(b?.line, positionOf(parsed.text, '"id": "b"').line - 1);
  });

  it('reports a node cancelled in the middle of its lookups as skipped, none of its references looked up', async () => {
    const controller = new AbortController();
    const lookup: SecretLookup = {
      async lookup(name, signal) {
        if (name === 'smtp') {
          controller.abort();
          signal?.throwIfAborted();
        }
        return tableLookup().lookup(name, signal);
      },
    };
    const nodes = [
      { id: 'a', type: 'http', config: { key: '{{secrets.stripe.value}}' } },
      { id: 'b', type: 'email', config: { key: '{{secrets.stripe.value}}', pass: '{{secrets.smtp.password}}' } },
      { id: 'c', type: 'http', config: { key: '{{secrets.stripe.value}}' } },
    ];
    const parsed = json(nodes);
    const report = await resolveWorkflow(parsed, { lookup, signal: controller.signal, executeNode: () => undefined });
    assert.equal(report.cancelled, true);
    assert.deepEqual(report.nodes.map((node) => node.status), ['executed', 'skipped', 'skipped']);
    const b = report.nodes[1];
    assert.match(b?.message ?? '', /cancelled while resolving this node/);
    assert.deepEqual(b?.references.map((ref) => [ref.name, ref.status, ref.from]), [
      ['stripe', 'skipped', undefined],
      ['smtp', 'skipped', undefined],
    ]);
    assert.deepEqual({ line: b?.references[1]?.line, column: b?.references[1]?.column }, positionOf(parsed.text, '{{secrets.smtp.password}}'));
    assert.equal(report.totals.resolved, 1);
  });

  it('resolves a node with many references, each to its own value', async () => {
    const secrets = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`s${i}`, { type: 'apiKey' as const, data: { value: `value-${i}-CANARY` } }]));
    const config = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `<{{secrets.s${i}.value}}|{{secrets.s${29 - i}.value}}>`]));
    const executed: ExecutableNode[] = [];
    const lookup = countLookups(tableLookup(secrets));
    const report = await resolveWorkflow(json([{ id: 'many', type: 'http', config }]), { lookup, executeNode: (node) => void executed.push(node) });
    assert.equal(report.nodes[0]?.status, 'executed');
    assert.equal(report.totals.references, 60);
    assert.equal(lookup.count, 30);
    const resolved = executed[0]?.config as Record<string, string>;
    for (let i = 0; i < 30; i++) assert.equal(resolved[`k${i}`], `<value-${i}-CANARY|value-${29 - i}-CANARY>`);
  });

  it('keeps the report in the same shape: keys in the same order, as its JSON has always had them', async () => {
    const nodes = [
      { id: 'a', type: 'http', config: { ok: '{{secrets.stripe.value}}', field: '{{secrets.smtp.nope}}', secret: '{{secrets.gone.value}}' } },
      { id: 'b', type: 'http', config: { ok: '{{secrets.stripe.value}}' } },
    ];
    const report = await resolveWorkflow(json(nodes), { lookup: tableLookup() });
    const [a, b] = report.nodes;
    assert.deepEqual(Object.keys(a ?? {}), ['index', 'id', 'name', 'type', 'line', 'references', 'malformed', 'status', 'message']);
    assert.deepEqual(Object.keys(b ?? {}), ['index', 'id', 'name', 'type', 'line', 'references', 'malformed', 'status']);
    assert.deepEqual(a?.references.map((ref) => Object.keys(ref)), [
      ['reference', 'name', 'field', 'status', 'line', 'column', 'path', 'from'],
      ['reference', 'name', 'field', 'status', 'line', 'column', 'path', 'from', 'message'],
      ['reference', 'name', 'field', 'status', 'line', 'column', 'path', 'message'],
    ]);
    assert.deepEqual(a?.references[1]?.path, ['nodes', 0, 'config', 'field']);
  });

  it('keeps two runs side by side apart', async () => {
    let open = () => undefined as void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow: SecretLookup = {
      async lookup(name, signal) {
        await gate;
        return tableLookup({ stripe: { type: 'apiKey', data: { value: 'slow-run-value' } } }).lookup(name, signal);
      },
    };
    const nodes = [
      { id: 'a', type: 'http', config: { key: '{{secrets.stripe.value}}' } },
      { id: 'b', type: 'http', config: { key: 'x-{{secrets.stripe.value}}' } },
    ];
    const parsed = json(nodes);
    const slowSeen: unknown[] = [];
    const fastSeen: unknown[] = [];
    const slowRun = resolveWorkflow(parsed, { lookup: slow, executeNode: (node) => void slowSeen.push(node.config) });
    const fast = await resolveWorkflow(parsed, { lookup: tableLookup(), executeNode: (node) => void fastSeen.push(node.config) });
    open();
    const slowReport = await slowRun;
    assert.deepEqual(fastSeen, [{ key: STRIPE_CANARY }, { key: `x-${STRIPE_CANARY}` }]);
    assert.deepEqual(slowSeen, [{ key: 'slow-run-value' }, { key: 'x-slow-run-value' }]);
    assert.equal(fast.totals.executed, 2);
    assert.equal(slowReport.totals.executed, 2);
  });
});
