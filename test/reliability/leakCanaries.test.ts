import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogFromMetadata } from '../../shared/catalogFromVault';
import { describeError } from '../../shared/errors';
import { sanitizeWorkflowForExport } from '../../shared/exportSanitizer';
import { CatalogNotification } from '../../shared/lspProtocol';
import { createProviders } from '../../shared/providers/providerRegistry';
import { createSecretLookup } from '../../shared/providers/secretLookupChain';
import { renderResolutionReport, resolutionReportToJson } from '../../shared/resolutionReport';
import { providerSettingSchema } from '../../shared/settings';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey, parseMasterKey } from '../../shared/vault/masterKey';
import { resolveWorkflow } from '../../shared/workflowResolver';
import { parseWorkflow } from '../../shared/workflowParser';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { bundleHelper } from './support/bundle';
import { startChild } from './support/children';
import { assertCliBuilt, runCli } from './support/cli';
import { recordFigure } from './support/figures';
import { canarySecrets, pastedWorkflow, referencingWorkflow, writeFiles } from './support/leakFixture';
import { Canaries, readIfThere, recentFiles } from './support/leakScan';
import { LspHarness } from './support/lspHarness';
import { TEMP_PREFIX, tempDir } from './support/tempDirs';

/**
 * Canary values (every field of every secret type, the master key, a passphrase, a provider's
 * values and token) go through every path: the command line with and without errors, the
 * language server's traffic on the wire (both directions), the lines the VS Code client logs to
 * its Output channel (describeError of every error, vault warnings, provider log lines),
 * resolution reports, sanitized exports, files left in the temp folder and crash leftovers.
 * Everything is grepped, raw and encoded; only output of an explicit --reveal may hold a value,
 * and it is checked to hold it (so the grep is proven to work).
 */
const canaries = new Canaries();
const started = Date.now();
const ownInputs = new Set<string>();
let home = '';
let vaultPath = '';
let key = '';
let fake: FakeVaultServer;
const token = canaries.add(`hvs.${canaries.prefix}token`);
const remoteValue = canaries.make('remote');
const secrets = canarySecrets(canaries);

before(async () => {
  home = await mkdtemp(join(tmpdir(), `${TEMP_PREFIX}leak-`));
  vaultPath = join(home, 'vaults', 'default.vault.json');
  key = canaries.add(formatMasterKey(generateMasterKey()));
  const vault = await Vault.create(vaultPath, parseMasterKey(key), { environment: 'default' });
  for (const secret of secrets) await vault.add(secret);
  fake = await FakeVaultServer.start();
  fake.api.mountKv('secret', 2);
  fake.api.putSecret('secret', 'remote', { value: remoteValue }, { customMetadata: { type: 'apiKey' } });
  fake.api.addToken(token);
  await writeFile(join(home, 'vaults', 'providers.json'), JSON.stringify({ providers: [{ name: 'team', kind: 'hashicorpVault', address: fake.url, kvVersion: '2', timeoutSeconds: 1 }] }));
});
after(async () => {
  await fake?.close();
  await rm(home, { recursive: true, force: true });
});

interface Checked {
  what: string;
  text: string;
  reveal?: boolean;
}

function judge(t: Parameters<typeof recordFigure>[0], label: string, items: Checked[]): void {
  const failures: string[] = [];
  for (const item of items) {
    const found = canaries.findIn(item.text);
    if (item.reveal && found.length === 0) failures.push(`${item.what}: --reveal printed no value (the grep would miss leaks)`);
    if (!item.reveal && found.length > 0) failures.push(`${item.what}: ${[...new Set(found)].join(', ')}`);
  }
  recordFigure(t, { label, cases: items.length, failures: failures.length });
  assert.deepEqual(failures, []);
}

test('the command line, with and without errors, prints a value only for --reveal', async (t) => {
  assertCliBuilt();
  const values = Object.fromEntries(secrets.map((secret) => [secret.name, secret.data as Record<string, string>]));
  const files = await writeFiles(join(home, 'work'), {
    'refs.workflow.json': referencingWorkflow('json'),
    'refs.workflow.yaml': referencingWorkflow('yaml'),
    'pasted.workflow.json': pastedWorkflow('json', { stripe: values.stripe!.value!, dbpass: values.db!.password!, signing: values.custom!.signing! }),
    'pasted.workflow.yaml': pastedWorkflow('yaml', { stripe: values.stripe!.value!, dbpass: values.db!.password!, signing: values.custom!.signing! }),
    'inkey.workflow.json': JSON.stringify({ name: 'k', nodes: [{ id: 'n', type: 't', config: { [values.stripe!.value!]: 'x' } }] }),
  });
  for (const path of Object.values(files)) ownInputs.add(path);
  const env = { WORKFLOW_SECRETS_KEY: key, XDG_CONFIG_HOME: join(home, 'config'), VAULT_TOKEN: token };
  const passphrase = canaries.add(`${canaries.prefix} pass phrase`);
  const corrupt = join(home, 'corrupt', 'default.vault.json');
  await writeFiles(join(home, 'corrupt'), { 'default.vault.json': '{"header": ' });
  const v = ['--vault', vaultPath];
  const runs: [string[], { input?: string; env?: Record<string, string>; reveal?: boolean }][] = [
    [['secret', 'list', ...v], {}],
    [['secret', 'list', '--json', ...v], {}],
    [['secret', 'list', '--type', 'basicAuth', ...v], {}],
    ...secrets.map((secret): [string[], object] => [['secret', 'get', secret.name, ...v], {}]),
    [['secret', 'get', 'db', '--json', ...v], {}],
    [['secret', 'get', 'db', '--field', 'password', ...v], {}],
    [['secret', 'get', 'nope', ...v], {}],
    [['secret', 'get', 'db', '--field', 'nope', '--reveal', ...v], {}],
    [['secret', 'get', 'stripe', '--reveal', ...v], { reveal: true }],
    [['secret', 'get', 'db', '--field', 'password', '--reveal', ...v], { reveal: true }],
    [['secret', 'get', 'oauthApp', '--reveal', '--json', ...v], { reveal: true }],
    [['check', files['refs.workflow.json']!, files['refs.workflow.yaml']!, ...v], {}],
    [['check', '--json', files['refs.workflow.json']!, ...v], {}],
    [['resolve', files['refs.workflow.json']!, ...v], {}],
    [['resolve', '--json', files['refs.workflow.yaml']!, ...v], {}],
    [['export', files['pasted.workflow.json']!, '-o', join(home, 'out', 'pasted.workflow.json'), ...v], {}],
    [['export', files['pasted.workflow.yaml']!, '-o', join(home, 'out', 'pasted.workflow.yaml'), ...v], {}],
    [['export', files['inkey.workflow.json']!, '-o', join(home, 'out', 'inkey.workflow.json'), ...v], {}],
    [['secret', 'add', 'stripe', '--type', 'apiKey', ...v], { input: JSON.stringify({ value: canaries.make('dup') }) }],
    [['secret', 'add', 'extra', '--type', 'apiKey', ...v], { input: JSON.stringify({ value: canaries.make('x1'), extraField: canaries.make('x2') }) }],
    [['secret', 'add', 'nested', '--type', 'apiKey', ...v], { input: JSON.stringify({ value: { deep: canaries.make('x3') } }) }],
    [['secret', 'add', 'broken', '--type', 'basicAuth', ...v], { input: `{"username": "${canaries.make('x4')}", "password": ` }],
    [['secret', 'add', 'bad name!', '--type', 'apiKey', ...v], { input: JSON.stringify({ value: canaries.make('x5') }) }],
    [['secret', 'add', 'fresh', '--type', 'custom', '--tag', 't', ...v], { input: JSON.stringify({ a: canaries.make('fresh') }) }],
    [['secret', 'update', 'stripe', '--data-stdin', ...v], { input: JSON.stringify({ value: canaries.make('stripe2') }) }],
    [['secret', 'update', 'stripe', '--data-stdin', ...v], { input: JSON.stringify({ value: ' ' }) }],
    [['secret', 'update', 'stripe', '--data-stdin', ...v], { input: JSON.stringify({ token: canaries.make('wrongtype') }) }],
    [['secret', 'update', 'ghost', '--data-stdin', ...v], { input: JSON.stringify({ value: canaries.make('ghost') }) }],
    [['secret', 'get', 'stripe', '--reveal', ...v], { env: { WORKFLOW_SECRETS_KEY: formatMasterKey(generateMasterKey()) } }],
    [['secret', 'get', 'stripe', '--reveal', ...v], { env: { WORKFLOW_SECRETS_KEY: passphrase } }],
    [['secret', 'add', 'p', '--type', 'apiKey', '--vault', join(home, 'pass', 'default.vault.json')], { env: { WORKFLOW_SECRETS_KEY: passphrase }, input: JSON.stringify({ value: canaries.make('p') }) }],
    [['secret', 'get', 'p', ...['--vault', join(home, 'pass', 'default.vault.json')]], { env: { WORKFLOW_SECRETS_KEY: passphrase } }],
    [['secret', 'list', '--vault', corrupt], {}],
    [['secret', 'get', 'x', '--reveal', '--vault', corrupt], {}],
    [['secret', 'rm', 'fresh', ...v], {}],
  ];
  const items: Checked[] = [];
  for (const [args, options] of runs) {
    const run = await runCli(args, { env: { ...env, ...options.env }, input: options.input });
    items.push({ what: `${args.slice(0, 3).join(' ')} (exit ${run.code})`, text: `${run.stdout}\n${run.stderr}`, reveal: options.reveal });
  }
  // Resolution with the provider down: the fallback message names the provider, not a value.
  await fake.close();
  const down = await runCli(['resolve', files['refs.workflow.json']!, ...v], { env });
  items.push({ what: 'resolve with the provider down', text: `${down.stdout}\n${down.stderr}` });
  for (const name of ['pasted.workflow.json', 'pasted.workflow.yaml']) items.push({ what: `the export ${name}`, text: await readIfThere(join(home, 'out', name)) });
  const written = await readdir(join(home, 'out')).catch(() => [] as string[]);
  // A refused export writes nothing: its file existing counts as a leak.
  items.push({ what: 'the refused export inkey.workflow.json', text: written.includes('inkey.workflow.json') ? canaries.prefix : '' });
  judge(t, 'CLI output', items);
});

test('language server traffic, recorded on the wire in both directions, carries no value', async (t) => {
  const workspace = join(home, 'work');
  const server = await LspHarness.start(workspace, { vaultPath, selfCatalog: false });
  t.after(() => server.kill());
  const vault = await Vault.open(vaultPath, parseMasterKey(key));
  // What the VS Code client sends: the catalog built from metadata.
  await server.connection.sendNotification(CatalogNotification.type, catalogFromMetadata(vault.list(), 'default'));
  const items: Checked[] = [];
  for (const name of ['refs.workflow.json', 'refs.workflow.yaml']) {
    const uri = pathToFileURL(join(workspace, name)).href;
    const text = await readIfThere(join(workspace, name));
    await server.open(uri, text);
    await server.waitForDiagnostics(uri, (params) => params.version === 1);
    const lines = text.split('\n');
    for (let line = 0; line < lines.length; line++) {
      for (const match of lines[line]!.matchAll(/\{\{ ?secrets\.(\w+)\.(\w+)/g)) {
        const at = match.index! + match[0].length - 2;
        await server.hover(uri, line, at);
        await server.completion(uri, line, at);
        await server.completion(uri, line, match.index! + 10);
      }
    }
  }
  assert.equal(await server.shutdown(), 0);
  items.push({ what: 'LSP wire', text: server.wire }, { what: 'LSP stderr', text: server.stderr });
  assert.match(server.wire, /textDocument\/publishDiagnostics/);
  judge(t, 'LSP wire', items);
});

test('resolution reports, sanitized exports and the lines the client logs carry no value', async (t) => {
  const vault = await Vault.open(vaultPath, parseMasterKey(key), { onWarning: () => undefined });
  const logged: string[] = [];
  const log = (message: string) => logged.push(message);
  const items: Checked[] = [];
  const executed: string[] = [];
  const restarted = await FakeVaultServer.start();
  t.after(() => restarted.close());
  restarted.api.mountKv('secret', 2);
  restarted.api.putSecret('secret', 'remote', { value: remoteValue }, { customMetadata: { type: 'apiKey' } });
  restarted.api.addToken(token);
  const providers = createProviders([providerSettingSchema.parse({ name: 'team', kind: 'hashicorpVault', address: restarted.url, kvVersion: '2', timeoutSeconds: 1 })], { get: async () => ({ value: token, source: 'test' }) }, { env: {}, logger: { info: log, warn: log } });
  for (const format of ['json', 'yaml'] as const) {
    const parsed = parseWorkflow(referencingWorkflow(format), format);
    const lookup = createSecretLookup({ providers, vault, vaultLabel: 'default' });
    const report = await resolveWorkflow(parsed, {
      lookup,
      executeNode: (node) => {
        executed.push(JSON.stringify(node.config));
        // An executor failing with a value in its message: the report must mask it.
        if (node.id === 'sign') throw new Error(`signing failed with ${JSON.stringify(node.config)}`);
      },
    });
    items.push({ what: `resolution report (${format}, JSON)`, text: resolutionReportToJson(report, 'wf') }, { what: `resolution report (${format}, text)`, text: renderResolutionReport(report, { fileName: 'wf' }) });
  }
  assert.ok(executed.some((config) => config.includes(remoteValue)) && executed.some((config) => canaries.findIn(config).length > 0), 'nodes received the values (the run really resolved)');
  const known = vault.list().map((metadata) => vault.require(metadata.name));
  const catalog = catalogFromMetadata(vault.list(), 'default');
  const data = (name: string, field: string) => (known.find((secret) => secret.name === name)!.data as Record<string, string>)[field]!;
  for (const format of ['json', 'yaml'] as const) {
    const exported = sanitizeWorkflowForExport(parseWorkflow(pastedWorkflow(format, { stripe: data('stripe', 'value'), dbpass: data('db', 'password'), signing: data('custom', 'signing') }), format), known, catalog);
    items.push({ what: `sanitized export (${format})`, text: `${exported.text}${JSON.stringify(exported.manifest)}` });
  }
  // Every error a user can meet on these paths, as the client logs it (describeError), and warnings.
  const errors: unknown[] = [];
  const attempt = async (action: () => unknown) => {
    try {
      await action();
    } catch (error) {
      errors.push(error);
    }
  };
  await attempt(() => vault.add({ name: 'x', type: 'apiKey', data: { value: { nested: canaries.make('e1') } } }));
  await attempt(() => vault.add({ name: 'y', type: 'apiKey', data: { value: canaries.make('e2'), extraField: canaries.make('e3') } }));
  await attempt(() => vault.update('db', { data: { token: canaries.make('e4') } }));
  await attempt(() => vault.update('db', { type: 'apiKey', data: { value: canaries.make('e5') } }));
  await attempt(() => sanitizeWorkflowForExport(parseWorkflow(JSON.stringify({ name: 'k', nodes: [{ id: 'n', type: 't', config: { [data('stripe', 'value')]: 1 } }] }), 'json'), known, catalog));
  await attempt(() => Vault.open(vaultPath, parseMasterKey(`${canaries.prefix} wrong passphrase`)));
  await restarted.close();
  await attempt(async () => {
    const answer = await createSecretLookup({ providers, vaultLabel: 'default' }).lookup('remote');
    throw new Error(JSON.stringify(answer));
  });
  assert.ok(errors.length >= 6, 'every error path threw');
  for (const error of errors) items.push({ what: `logged error: ${String((error as Error).name)}`, text: `${describeError(error)}\n${(error as Error).stack ?? ''}` });
  const copy = join(home, 'loose.vault.json');
  await copyFile(vaultPath, copy);
  await chmod(copy, 0o644);
  await Vault.open(copy, parseMasterKey(key), { onWarning: log });
  items.push({ what: 'client log lines (vault warnings, provider log)', text: logged.join('\n') });
  for (const provider of providers) provider.dispose();
  judge(t, 'reports, exports, logs', items);
});

test('crash leftovers and every file left in the temp folder hold no value', async (t) => {
  // Writers killed mid-write, with canary values in every write.
  const crashDir = await tempDir(t, 'leak-crash');
  const crashVault = join(crashDir, 'crash.vault.json');
  const crashCanary = canaries.make('crash');
  const keys = [generateMasterKey(), generateMasterKey()];
  const setup = await Vault.create(crashVault, keys[0]!);
  for (let i = 0; i < 6; i++) await setup.add({ name: `S${i}`, type: 'apiKey', data: { value: `${crashCanary}-init` } });
  const writer = await bundleHelper(t, 'reliabilityCrashWriter.ts');
  const items: Checked[] = [];
  for (let kill = 0; kill < 5; kill++) {
    const child = startChild([writer], { CRASH_VAULT: crashVault, CRASH_KEYS: keys.map(formatMasterKey).join(','), CRASH_KEY_INDEX: String(kill === 0 ? 0 : await keyIndexOf(crashVault, keys)), CRASH_CANARY: crashCanary });
    await child.waitForLine((line) => /^\d+$/.test(line));
    child.child.kill('SIGKILL');
    await child.exited;
    for (const name of await readdir(crashDir)) items.push({ what: `crash leftover ${name}`, text: await readIfThere(join(crashDir, name)) });
  }
  // Everything written under the temp folder since this file started (other tests' files included).
  const files = await recentFiles(tmpdir(), started, (path) => ownInputs.has(path) || path.includes('ws-reliability-bundle-'));
  for (const file of files) items.push({ what: `temp file ${file}`, text: await readIfThere(file) });
  t.diagnostic(`${files.length} recent files under ${tmpdir()} grepped`);
  judge(t, 'temp files and crash leftovers', items);
});

async function keyIndexOf(path: string, keys: ReturnType<typeof generateMasterKey>[]): Promise<number> {
  for (const [index, candidate] of keys.entries()) {
    try {
      await Vault.open(path, candidate);
      return index;
    } catch {
      // the other key
    }
  }
  throw new Error(`no key opens ${path} (${randomBytes(1).toString('hex')})`);
}
