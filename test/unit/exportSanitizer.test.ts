import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog } from '../../shared/catalog';
import { isWorkflowSecretsError } from '../../shared/errors';
import { readExportManifest } from '../../shared/exportManifest';
import { sanitizeWorkflowForExport } from '../../shared/exportSanitizer';
import type { KnownSecret } from '../../shared/exportSanitizer';
import { encodedForms, findKnownValues, knownValuesOf } from '../../shared/valueScanner';
import { parseWorkflow } from '../../shared/workflowParser';
import { parse as parseYaml } from 'yaml';

const STRIPE = 'sk_live_CANARY_export_91b2c4';
const SMTP_PASSWORD = 'smtp-CANARY-pw/with+chars&=';
const WEBHOOK_URL = 'https://hooks.example.com/CANARY-hook';
const WEBHOOK_KEY = 'whsec_CANARY_3c7d';

const known: KnownSecret[] = [
  { name: 'stripe', type: 'apiKey', data: { value: STRIPE } },
  { name: 'smtp', type: 'basicAuth', data: { username: 'mailer-bot', password: SMTP_PASSWORD } },
  { name: 'webhook', type: 'custom', data: { url: WEBHOOK_URL, signingKey: WEBHOOK_KEY } },
  { name: 'short', type: 'custom', data: { pin: '42x' } },
];

const catalog: Catalog = {
  state: 'ready',
  environment: 'default',
  secrets: [
    { name: 'stripe', type: 'apiKey', description: '', tags: [], fields: ['value'], source: { kind: 'local' } },
    { name: 'smtp', type: 'basicAuth', description: '', tags: [], fields: ['username', 'password'], source: { kind: 'local' } },
    { name: 'webhook', type: 'custom', description: '', tags: [], fields: ['url', 'signingKey'], source: { kind: 'local' } },
    { name: 'github', type: 'bearerToken', description: '', tags: [], fields: ['token', 'expiresAt'], source: { kind: 'local' } },
  ],
};

const CANARIES = [STRIPE, SMTP_PASSWORD, WEBHOOK_URL, WEBHOOK_KEY];

function assertNoCanary(text: string): void {
  for (const canary of CANARIES) assert.ok(!text.includes(canary), 'a known value is still in the text');
}

function jsonWorkflow(config: unknown, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ name: 'pay', ...extra, nodes: [{ id: 'charge', type: 'http', config }] }, null, 2)}\n`;
}

describe('sanitizeWorkflowForExport', () => {
  it('replaces literal values with references, keeps references and adds the manifest (JSON)', () => {
    const text = jsonWorkflow({
      auth: `Bearer ${STRIPE}`,
      user: 'mailer-bot',
      pass: SMTP_PASSWORD,
      token: '{{secrets.github.token}}',
      url: `${WEBHOOK_URL}?sig=${WEBHOOK_KEY}`,
      port: 443,
    });
    const result = sanitizeWorkflowForExport(parseWorkflow(text, 'json'), known, catalog);
    assertNoCanary(result.text);
    const value = JSON.parse(result.text);
    assert.deepEqual(value.nodes[0].config, {
      auth: 'Bearer {{secrets.stripe.value}}',
      user: '{{secrets.smtp.username}}',
      pass: '{{secrets.smtp.password}}',
      token: '{{secrets.github.token}}',
      url: '{{secrets.webhook.url}}?sig={{secrets.webhook.signingKey}}',
      port: 443,
    });
    assert.equal(result.replaced, 5);
    assert.deepEqual(value.requiredSecrets, [
      { name: 'github', type: 'bearerToken', fields: ['token'] },
      { name: 'smtp', type: 'basicAuth', fields: ['username', 'password'] },
      { name: 'stripe', type: 'apiKey', fields: ['value'] },
      { name: 'webhook', type: 'custom', fields: ['signingKey', 'url'] },
    ]);
    assert.deepEqual(readExportManifest(value), result.manifest);
    // Formatting of untouched lines is kept.
    assert.ok(result.text.includes('      "port": 443'));
  });

  it('replaces the longest value first when one value contains another', () => {
    const inner: KnownSecret[] = [
      { name: 'outer', type: 'apiKey', data: { value: 'prefix-INNERVALUE-suffix' } },
      { name: 'inner', type: 'apiKey', data: { value: 'INNERVALUE' } },
    ];
    const text = jsonWorkflow({ a: 'prefix-INNERVALUE-suffix', b: 'x INNERVALUE y' });
    const result = sanitizeWorkflowForExport(parseWorkflow(text, 'json'), inner, catalog);
    const config = JSON.parse(result.text).nodes[0].config;
    assert.deepEqual(config, { a: '{{secrets.outer.value}}', b: 'x {{secrets.inner.value}} y' });
  });

  it('replaces short values only when they are the whole string', () => {
    const text = jsonWorkflow({ pin: '42x', sentence: 'call 42x now' });
    const result = sanitizeWorkflowForExport(parseWorkflow(text, 'json'), known, catalog);
    const config = JSON.parse(result.text).nodes[0].config;
    assert.deepEqual(config, { pin: '{{secrets.short.pin}}', sentence: 'call 42x now' });
  });

  it('keeps YAML comments, block scalars and key order, and adds the manifest', () => {
    const text = [
      '# payments workflow',
      'name: pay',
      'nodes:',
      '  - id: charge # the charge step',
      '    type: http',
      '    config:',
      `      key: ${STRIPE}`,
      '      body: |',
      `        password=${SMTP_PASSWORD}`,
      '        user={{secrets.smtp.username}}',
      '',
    ].join('\n');
    const result = sanitizeWorkflowForExport(parseWorkflow(text, 'yaml'), known, catalog);
    assertNoCanary(result.text);
    assert.ok(result.text.startsWith('# payments workflow\nname: pay\n'));
    assert.ok(result.text.includes('# the charge step'));
    assert.ok(result.text.includes('body: |'));
    const value = parseYaml(result.text);
    assert.equal(value.nodes[0].config.key, '{{secrets.stripe.value}}');
    assert.equal(value.nodes[0].config.body, 'password={{secrets.smtp.password}}\nuser={{secrets.smtp.username}}\n');
    assert.deepEqual(value.requiredSecrets, [
      { name: 'smtp', type: 'basicAuth', fields: ['username', 'password'] },
      { name: 'stripe', type: 'apiKey', fields: ['value'] },
    ]);
    const reparsed = parseWorkflow(result.text, 'yaml');
    assert.equal(reparsed.problems.length, 0);
    assert.equal(reparsed.references.length, 3);
  });

  it('is stable when an export is exported again (the manifest is replaced, not duplicated)', () => {
    const text = jsonWorkflow({ auth: `Bearer ${STRIPE}` });
    const first = sanitizeWorkflowForExport(parseWorkflow(text, 'json'), known, catalog);
    const second = sanitizeWorkflowForExport(parseWorkflow(first.text, 'json'), known, catalog);
    assert.equal(second.text, first.text);
    assert.equal(second.replaced, 0);
  });

  for (const [label, encode] of [
    ['base64', (value: string) => Buffer.from(value).toString('base64')],
    ['base64url', (value: string) => Buffer.from(value).toString('base64url')],
    ['URL-encoded', (value: string) => encodeURIComponent(value)],
  ] as const) {
    it(`refuses an export holding a ${label} value, naming where but not what`, () => {
      const text = jsonWorkflow({ header: `X ${encode(SMTP_PASSWORD)}` });
      assert.throws(
        () => sanitizeWorkflowForExport(parseWorkflow(text, 'json'), known, catalog),
        (error) => {
          assert.ok(isWorkflowSecretsError(error, 'export-leak'));
          assert.match(error.message, /\{\{secrets\.smtp\.password\}\}/);
          assert.match(error.message, /line 8, column \d+ \(nodes\[0\]\.config\.header\)/);
          assert.ok(!error.describe().includes(SMTP_PASSWORD));
          assert.ok(!error.describe().includes(encode(SMTP_PASSWORD)));
          return true;
        },
      );
    });
  }

  it('finds a password inside a Basic authorization header (base64 of user:password)', () => {
    const header = `Basic ${Buffer.from(`mailer-bot:${SMTP_PASSWORD}`).toString('base64')}`;
    const text = jsonWorkflow({ authorization: header });
    assert.throws(() => sanitizeWorkflowForExport(parseWorkflow(text, 'json'), known, catalog), (error) => isWorkflowSecretsError(error, 'export-leak'));
  });

  it('refuses values it cannot replace: in a key or a YAML comment', () => {
    const keyed = jsonWorkflow({ [WEBHOOK_KEY]: 'x' });
    assert.throws(
      () => sanitizeWorkflowForExport(parseWorkflow(keyed, 'json'), known, catalog),
      (error) =>
        isWorkflowSecretsError(error, 'export-leak') &&
        !error.describe().includes(WEBHOOK_KEY) &&
        error.message.includes('config.<key with a secret value>'),
    );
    const commented = `name: pay\nnodes:\n  - id: a\n    type: http # old key ${STRIPE}\n`;
    assert.throws(
      () => sanitizeWorkflowForExport(parseWorkflow(commented, 'yaml'), known, catalog),
      (error) => isWorkflowSecretsError(error, 'export-leak') && /line 4/.test(error.message),
    );
  });

  it('does not mistake a value that is also part of a reference or the manifest for a leak', () => {
    const nameLike: KnownSecret[] = [{ name: 'webhook', type: 'custom', data: { word: 'secrets', kind: 'signingKey' } }];
    const text = jsonWorkflow({ key: '{{secrets.webhook.signingKey}}' });
    const result = sanitizeWorkflowForExport(parseWorkflow(text, 'json'), nameLike, catalog);
    assert.equal(JSON.parse(result.text).nodes[0].config.key, '{{secrets.webhook.signingKey}}');
  });

  it('refuses a document that does not parse', () => {
    assert.throws(() => sanitizeWorkflowForExport(parseWorkflow('{ "name": ', 'json'), known, catalog), (error) => isWorkflowSecretsError(error, 'workflow-invalid'));
  });
});

describe('valueScanner', () => {
  it('lists every field value as a reference would yield it, longest first', () => {
    const values = knownValuesOf([{ name: 'g', type: 'oauth', data: { clientId: 'id-1', clientSecret: 'secret-value-long', scopes: ['a', 'b'] } }]);
    assert.deepEqual(values.map((value) => [value.field, value.value]), [['clientSecret', 'secret-value-long'], ['clientId', 'id-1'], ['scopes', 'a b']]);
  });

  it('encodes values in every scanned form', () => {
    const forms = encodedForms('a"b/c d??>>');
    const encodings = new Set(forms.map((form) => form.encoding));
    for (const encoding of ['raw', 'json-escaped', 'url-encoded', 'form-encoded', 'base64', 'base64url']) assert.ok(encodings.has(encoding as never), encoding);
  });

  it('skips hits wholly inside a skipped range and reports offsets', () => {
    const text = 'xx VALUE1234 yy [VALUE1234]';
    const hits = findKnownValues(text, [{ name: 'n', field: 'f', value: 'VALUE1234' }], [{ start: 16, end: 27 }]);
    assert.deepEqual(hits.map((hit) => [hit.offset, hit.encoding]), [[3, 'raw']]);
  });
});
