import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createSecretLookup, type ProviderAnswer } from '../../shared/providers/secretLookupChain';
import type { SecretProvider } from '../../shared/providers/secretProvider';
import { renderResolutionReport } from '../../shared/resolutionReport';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey } from '../../shared/vault/masterKey';
import { parseWorkflow } from '../../shared/workflowParser';
import { resolveWorkflow } from '../../shared/workflowResolver';
import { FakeVaultServer, closedPort } from '../helpers/fakeVaultServer';
import { makeProvider } from '../helpers/providerHarness';

const TOKEN = 'hvs.chain';
const REMOTE = 'canary-remote-a1b2c3';
const LOCAL = 'canary-local-d4e5f6';
const CANARIES = [REMOTE, LOCAL];

describe('secretLookupChain: resolution order and fallback', () => {
  let server: FakeVaultServer;
  let downAddress: string;
  let dir: string;
  let vault: Vault;
  const providers: SecretProvider[] = [];

  before(async () => {
    server = await FakeVaultServer.start();
    server.api.mountKv('secret', 2);
    server.api.addToken(TOKEN);
    server.api.putSecret('secret', 'app/remoteOnly', { value: REMOTE });
    server.api.putSecret('secret', 'app/both', { value: REMOTE });
    server.api.putSecret('secret', 'app/denied', { value: REMOTE });
    server.api.addToken('hvs.limited', { policy: { deny: ['secret/data/app/denied'] } });
    downAddress = `http://127.0.0.1:${await closedPort()}`;
    dir = mkdtempSync(join(tmpdir(), 'ws-chain-'));
    vault = await Vault.create(join(dir, 'default.vault'), generateMasterKey());
    await vault.add({ name: 'both', type: 'apiKey', data: { value: LOCAL } });
    await vault.add({ name: 'localOnly', type: 'basicAuth', data: { username: 'app', password: LOCAL } });
    await vault.add({ name: 'denied', type: 'apiKey', data: { value: LOCAL } });
  });
  after(async () => {
    for (const provider of providers) provider.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => server.reset());

  function vaultProvider(name: string, address: string, token = TOKEN): SecretProvider {
    const { provider } = makeProvider({ name, address, pathPrefix: 'app', kvVersion: '2' }, { token });
    providers.push(provider);
    return provider;
  }

  const assertNoCanary = (value: unknown) => {
    const text = JSON.stringify(value);
    for (const canary of CANARIES) assert.ok(!text.includes(canary), `a value leaked into ${text}`);
  };

  it('serves from the provider first, even when the local vault has the name', async () => {
    const lookup = createSecretLookup({ providers: [vaultProvider('team', server.url)], vault, vaultLabel: 'default' });
    assert.deepEqual(await lookup.lookup('both'), { status: 'found', name: 'both', type: 'custom', data: { value: REMOTE }, from: { kind: 'provider', provider: 'team' } });
  });

  it('after a provider not-found, uses the local vault, else reports every place looked', async () => {
    const lookup = createSecretLookup({ providers: [vaultProvider('team', server.url)], vault, vaultLabel: 'default' });
    const local = await lookup.lookup('localOnly');
    assert.equal(local.status, 'found');
    assert.deepEqual(local.status === 'found' ? local.from : undefined, { kind: 'local' });
    assert.deepEqual(await lookup.lookup('ghost'), {
      status: 'notFound',
      searched: ["HashiCorp Vault 'team' at secret/data/app/ghost", "local vault 'default'"],
    });
  });

  it('falls back to the local copy when the provider is down, and says so', async () => {
    const lookup = createSecretLookup({ providers: [vaultProvider('down', downAddress)], vault, vaultLabel: 'default' });
    const result = await lookup.lookup('both');
    assert.equal(result.status, 'found');
    if (result.status !== 'found') return;
    assert.deepEqual(result.data, { value: LOCAL });
    assert.equal(result.from.kind, 'local');
    assert.equal(result.from.kind === 'local' ? result.from.fallbackFrom?.provider : undefined, 'down');
    assert.match(result.from.kind === 'local' ? (result.from.fallbackFrom?.reason ?? '') : '', /connection refused/);
  });

  it('reports the provider unavailable when it is down and there is no local copy', async () => {
    const lookup = createSecretLookup({ providers: [vaultProvider('down', downAddress)], vault, vaultLabel: 'default' });
    const result = await lookup.lookup('remoteOnly');
    assert.equal(result.status, 'unavailable');
    assert.equal(result.status === 'unavailable' ? result.provider : '', 'down');
    assert.match(result.status === 'unavailable' ? result.reason : '', /connection refused/);
    assertNoCanary(result);
  });

  it('falls back when the provider is sealed', async () => {
    server.api.state = 'sealed';
    try {
      const lookup = createSecretLookup({ providers: [vaultProvider('team', server.url)], vault, vaultLabel: 'default' });
      const result = await lookup.lookup('both');
      assert.equal(result.status === 'found' && result.from.kind === 'local' ? result.from.fallbackFrom?.provider : undefined, 'team');
    } finally {
      server.api.state = 'active';
    }
  });

  it('never falls back after a 403: the local copy is not used', async () => {
    const lookup = createSecretLookup({ providers: [vaultProvider('team', server.url, 'hvs.limited')], vault, vaultLabel: 'default' });
    const result = await lookup.lookup('denied');
    assert.equal(result.status, 'error');
    assert.match(result.status === 'error' ? result.message : '', /HashiCorp Vault 'team'.*permission denied \(403\)/);
    assertNoCanary(result);
  });

  it('asks providers in order: a later provider serves what an earlier one lacks or cannot reach', async () => {
    const empty = await FakeVaultServer.start();
    empty.api.mountKv('secret', 2);
    empty.api.addToken(TOKEN);
    try {
      const afterMissing = createSecretLookup({ providers: [vaultProvider('first', empty.url), vaultProvider('second', server.url)], vault, vaultLabel: 'default' });
      const served = await afterMissing.lookup('remoteOnly');
      assert.deepEqual(served.status === 'found' ? served.from : undefined, { kind: 'provider', provider: 'second' });
      const afterDown = createSecretLookup({ providers: [vaultProvider('down', downAddress), vaultProvider('second', server.url)], vault, vaultLabel: 'default' });
      const alsoServed = await afterDown.lookup('remoteOnly');
      assert.deepEqual(alsoServed.status === 'found' ? alsoServed.from : undefined, { kind: 'provider', provider: 'second' });
    } finally {
      await empty.close();
    }
  });

  it('without a local vault, only the providers are searched', async () => {
    const lookup = createSecretLookup({ providers: [vaultProvider('team', server.url)], vaultLabel: 'default' });
    assert.deepEqual(await lookup.lookup('ghost'), { status: 'notFound', searched: ["HashiCorp Vault 'team' at secret/data/app/ghost"] });
  });

  it('treats a provider that throws as unavailable, and tells observers only names and fields', async () => {
    const broken: SecretProvider = {
      name: 'broken',
      kind: 'hashicorpVault',
      lookup: async () => {
        throw new TypeError(`something with ${REMOTE}`);
      },
      listNames: async () => ({ status: 'ok', names: [] }),
      health: async () => ({ ok: true, detail: 'active' }),
      dispose: () => undefined,
    };
    const answers: ProviderAnswer[] = [];
    const lookup = createSecretLookup({ providers: [broken, vaultProvider('team', server.url)], vault, vaultLabel: 'default', onProviderAnswer: (answer) => answers.push(answer) });
    const result = await lookup.lookup('remoteOnly');
    assert.deepEqual(result.status === 'found' ? result.from : undefined, { kind: 'provider', provider: 'team' });
    assert.deepEqual(answers, [
      { provider: 'broken', name: 'remoteOnly', status: 'unavailable' },
      { provider: 'team', name: 'remoteOnly', status: 'found', type: 'custom', fields: ['value'] },
    ]);
    assertNoCanary(answers);
    const noLocal = await createSecretLookup({ providers: [broken], vaultLabel: 'default' }).lookup('x');
    assert.equal(noLocal.status, 'unavailable');
    assertNoCanary(noLocal);
  });

  it('the resolution report says which source served each value, and holds no value', async () => {
    const text = JSON.stringify({
      name: 'payments',
      nodes: [
        { id: 'charge', type: 'http', config: { key: '{{secrets.remoteOnly.value}}', login: '{{secrets.localOnly.password}}' } },
        { id: 'fallback', type: 'http', config: { key: '{{secrets.both.value}}' } },
      ],
    });
    const lookup = createSecretLookup({ providers: [vaultProvider('team', server.url)], vault, vaultLabel: 'default' });
    server.script({ path: 'secret/data/app/both' }, { status: 503, body: { errors: ['Vault is sealed'] } }, 3);
    const seen: unknown[] = [];
    const report = await resolveWorkflow(parseWorkflow(text, 'json'), { lookup, executeNode: (node) => void seen.push(node.config) });
    const refs = report.nodes.flatMap((node) => node.references.map((ref) => [ref.name, ref.status, ref.from?.kind]));
    assert.deepEqual(refs, [
      ['remoteOnly', 'ok', 'provider'],
      ['localOnly', 'ok', 'local'],
      ['both', 'ok', 'local'],
    ]);
    const [remote, local] = report.nodes[0]?.references ?? [];
    assert.deepEqual(remote?.from, { kind: 'provider', provider: 'team' });
    assert.deepEqual(local?.from, { kind: 'local' });
    const fallback = report.nodes[1]?.references[0]?.from;
    assert.equal(fallback?.kind === 'local' ? fallback.fallbackFrom?.provider : undefined, 'team');
    assert.match(fallback?.kind === 'local' ? (fallback.fallbackFrom?.reason ?? '') : '', /503: Vault is sealed/);
    assert.deepEqual(seen, [{ key: REMOTE, login: LOCAL }, { key: LOCAL }]);
    const rendered = renderResolutionReport(report);
    assert.match(rendered, /from provider "team"/);
    assert.match(rendered, /fallback: provider "team" unavailable: Vault is not serving requests \(503: Vault is sealed\)/);
    assertNoCanary(report);
    assertNoCanary(rendered);
  });
});
