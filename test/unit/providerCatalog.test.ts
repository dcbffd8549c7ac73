import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Catalog } from '../../shared/catalog';
import { ProviderCatalog, mergeProviderCatalog, providerFieldsUnknown } from '../../shared/providers/providerCatalog';
import { createSecretLookup } from '../../shared/providers/secretLookupChain';
import type { SecretProvider } from '../../shared/providers/secretProvider';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { makeProvider, manualClock } from '../helpers/providerHarness';

const TOKEN = 'hvs.catalog';
const CANARY = 'canary-catalog-77aa01';
const LIST = 'secret/metadata/app';

describe('providerCatalog', () => {
  let server: FakeVaultServer;
  let clock: ReturnType<typeof manualClock>;
  const providers: SecretProvider[] = [];

  before(async () => {
    clock = manualClock();
    server = await FakeVaultServer.start();
    server.api.mountKv('secret', 2);
    server.api.addToken(TOKEN);
    server.api.addToken('hvs.nolist', { policy: { deny: ['secret/metadata'] } });
    server.api.putSecret('secret', 'app/stripe', { value: CANARY });
    server.api.putSecret('secret', 'app/db', { username: 'app', password: CANARY }, { customMetadata: { type: 'basicAuth' } });
  });
  after(async () => {
    for (const provider of providers) provider.dispose();
    await server.close();
  });
  beforeEach(() => server.reset());

  function provider(token = TOKEN): SecretProvider {
    const { provider: made } = makeProvider({ address: server.url, pathPrefix: 'app', kvVersion: '2' }, { token });
    providers.push(made);
    return made;
  }

  it('lists provider names as catalog entries whose fields are not known yet, cached for the TTL', async () => {
    const catalog = new ProviderCatalog({ providers: [provider()], ttlSeconds: 60, now: clock.now });
    const progress: string[] = [];
    const first = await catalog.snapshot(undefined, (done, total) => progress.push(`${done}/${total}`));
    assert.deepEqual(progress, ['0/1', '1/1']);
    assert.deepEqual(first.unavailable, []);
    assert.deepEqual(first.secrets.map((secret) => secret.name), ['db', 'stripe']);
    assert.deepEqual(first.secrets[0], { name: 'db', type: 'custom', description: '', tags: [], fields: [], source: { kind: 'provider', provider: 'team' } });
    assert.ok(first.secrets.every(providerFieldsUnknown));

    await catalog.snapshot();
    assert.equal(server.requestsTo(LIST).length, 1, 'served from the cache within the TTL');
    clock.advance(61_000);
    await catalog.snapshot();
    assert.equal(server.requestsTo(LIST).length, 2, 'listed again after the TTL');
    await catalog.refresh();
    assert.equal(server.requestsTo(LIST).length, 3, 'refresh lists at once');
  });

  it('learns types and field names from lookups, keeps them, and never keeps values', async () => {
    const team = provider();
    const catalog = new ProviderCatalog({ providers: [team], now: clock.now });
    const lookup = createSecretLookup({ providers: [team], vaultLabel: 'default', onProviderAnswer: (answer) => catalog.observe(answer) });
    await lookup.lookup('stripe');
    await lookup.lookup('db');
    const learned = await catalog.refresh();
    const byName = Object.fromEntries(learned.secrets.map((secret) => [secret.name, secret]));
    assert.equal(byName.stripe?.type, 'custom');
    assert.deepEqual(byName.stripe?.fields, ['value']);
    assert.equal(byName.db?.type, 'basicAuth');
    assert.deepEqual(byName.db?.fields, ['username', 'password']);
    assert.ok(!JSON.stringify(learned).includes(CANARY));
    assert.ok(!JSON.stringify(catalog.learned()).includes(CANARY));

    const restored = new ProviderCatalog({ providers: [team], learned: catalog.learned(), now: clock.now });
    assert.deepEqual((await restored.snapshot()).secrets.find((secret) => secret.name === 'db')?.fields, ['username', 'password']);

    catalog.observe({ provider: 'team', name: 'stripe', status: 'notFound' });
    assert.deepEqual((await catalog.snapshot()).secrets.find((secret) => secret.name === 'stripe')?.fields, []);
  });

  it('keeps the last names of an unreachable provider and reports it unavailable', async () => {
    const catalog = new ProviderCatalog({ providers: [provider()], ttlSeconds: 0, now: clock.now });
    await catalog.snapshot();
    server.api.state = 'sealed';
    try {
      const stale = await catalog.snapshot();
      assert.deepEqual(stale.secrets.map((secret) => secret.name), ['db', 'stripe']);
      assert.equal(stale.unavailable[0]?.provider, 'team');
      assert.match(stale.unavailable[0]?.reason ?? '', /sealed/);
    } finally {
      server.api.state = 'active';
    }
    assert.deepEqual((await catalog.snapshot()).unavailable, [], 'recovers on the next listing');
  });

  it('a provider that may read but not list offers the names it has read, and is flagged', async () => {
    const reader = provider('hvs.nolist');
    const catalog = new ProviderCatalog({ providers: [reader], now: clock.now });
    const lookup = createSecretLookup({ providers: [reader], vaultLabel: 'default', onProviderAnswer: (answer) => catalog.observe(answer) });
    assert.equal((await lookup.lookup('stripe')).status, 'found');
    const snapshot = await catalog.snapshot();
    assert.deepEqual(snapshot.secrets.map((secret) => [secret.name, secret.fields]), [['stripe', ['value']]]);
    assert.match(snapshot.unavailable[0]?.reason ?? '', /permission denied/);
  });

  it('merges into the local catalog: providers win shared names, an unavailable one marks the catalog', () => {
    const local: Catalog = {
      state: 'ready',
      environment: 'default',
      secrets: [
        { name: 'stripe', type: 'apiKey', description: 'local copy', tags: [], fields: ['value'], source: { kind: 'local' } },
        { name: 'mail', type: 'basicAuth', description: '', tags: [], fields: ['username', 'password'], source: { kind: 'local' } },
      ],
    };
    const remote = { name: 'stripe', type: 'custom' as const, description: '', tags: [], fields: ['value'], source: { kind: 'provider' as const, provider: 'team' } };
    const merged = mergeProviderCatalog(local, { secrets: [remote], unavailable: [] });
    assert.equal(merged.state, 'ready');
    assert.deepEqual(merged.secrets.map((secret) => `${secret.name}:${secret.source.kind}`), ['stripe:provider', 'mail:local']);

    const offline = mergeProviderCatalog(local, { secrets: [remote], unavailable: [{ provider: 'team', reason: 'connection refused at 127.0.0.1:8200' }] });
    assert.equal(offline.state, 'providerUnavailable');
    assert.match(offline.stateReason ?? '', /provider 'team' \(connection refused at 127\.0\.0\.1:8200\)/);
    assert.equal(mergeProviderCatalog({ ...local, state: 'keyMissing' }, { secrets: [], unavailable: [{ provider: 'team', reason: 'down' }] }).state, 'keyMissing');
    assert.equal(mergeProviderCatalog({ ...local, state: 'noVault', secrets: [] }, { secrets: [remote], unavailable: [] }).state, 'ready');
  });
});
