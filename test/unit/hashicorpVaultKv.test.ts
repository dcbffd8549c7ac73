import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HashicorpVaultProvider } from '../../shared/providers/hashicorpVaultProvider';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { makeProvider, staticCredentials } from '../helpers/providerHarness';

const TOKEN = 'hvs.kv-test-token';
const CANARY = 'canary-kv-7f3a9c1e';

describe('HashiCorp Vault provider: KV reads and lists', () => {
  let server: FakeVaultServer;

  before(async () => {
    server = await FakeVaultServer.start();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
  });

  function seed(): void {
    const api = server.api;
    api.mountKv('secret', 2);
    api.mountKv('kv', 1);
    api.mountKv('secret', 2, 'team');
    api.addToken(TOKEN);
    api.addToken('hvs.no-preflight', { policy: { deny: ['sys/internal/ui/mounts'] } });
    api.putSecret('secret', 'workflows/stripe', { value: CANARY });
    api.putSecret('secret', 'workflows/deleted', { value: CANARY });
    api.removeLatest('secret', 'workflows/deleted', 'delete');
    api.putSecret('secret', 'workflows/destroyed', { value: CANARY });
    api.removeLatest('secret', 'workflows/destroyed', 'destroy');
    api.putSecret('secret', 'workflows/team/nested', { value: CANARY });
    api.putSecret('secret', 'workflows/has space', { value: CANARY });
    api.putSecret('kv', 'workflows/db', { username: 'app', password: CANARY, ttl: '1h' });
    api.putSecret('secret', 'workflows/teamOnly', { value: CANARY }, { namespace: 'team' });
  }
  before(seed);

  it('reads a KV v2 secret as a custom secret, detecting the version through sys/internal/ui/mounts', async () => {
    const { provider } = makeProvider({ address: server.url, pathPrefix: 'workflows' }, { token: TOKEN });
    const result = await provider.lookup('stripe');
    assert.deepEqual(result, { status: 'found', type: 'custom', data: { value: CANARY } });
    assert.deepEqual(
      server.requests.map((request) => `${request.method} ${request.path}`),
      ['GET auth/token/lookup-self', 'GET sys/internal/ui/mounts/secret', 'GET secret/data/workflows/stripe'],
    );
    for (const request of server.requests) {
      assert.equal(request.vaultRequestHeader, 'true');
      assert.equal(request.token, TOKEN);
    }
    provider.dispose();
  });

  it('reads a KV v1 secret from <mount>/<prefix>/NAME, keeping every key as a field', async () => {
    for (const kvVersion of ['1', 'auto'] as const) {
      server.requests.length = 0;
      const { provider } = makeProvider({ address: server.url, mount: 'kv', pathPrefix: '/workflows/', kvVersion }, { token: TOKEN });
      const result = await provider.lookup('db');
      assert.deepEqual(result, { status: 'found', type: 'custom', data: { username: 'app', password: CANARY, ttl: '1h' } }, kvVersion);
      assert.ok(server.requestsTo('kv/workflows/db').length === 1, kvVersion);
      assert.equal(server.requestsTo(/data\//).length, 0, kvVersion);
      provider.dispose();
    }
  });

  it('tells the version from the read shapes when the mount preflight is forbidden, and remembers it', async () => {
    const v2 = makeProvider({ address: server.url, pathPrefix: 'workflows' }, { token: 'hvs.no-preflight' }).provider;
    assert.equal((await v2.lookup('stripe')).status, 'found');
    server.requests.length = 0;
    assert.equal((await v2.lookup('stripe')).status, 'found');
    assert.deepEqual(server.requests.map((request) => request.path), ['secret/data/workflows/stripe']);
    v2.dispose();

    server.requests.length = 0;
    const v1 = makeProvider({ address: server.url, mount: 'kv', pathPrefix: 'workflows' }, { token: 'hvs.no-preflight' }).provider;
    assert.equal((await v1.lookup('db')).status, 'found');
    assert.deepEqual(
      server.requests.filter((request) => request.path.startsWith('kv/')).map((request) => request.path),
      ['kv/data/workflows/db', 'kv/workflows/db'],
    );
    server.requests.length = 0;
    assert.equal((await v1.lookup('db')).status, 'found');
    assert.deepEqual(server.requests.map((request) => request.path), ['kv/workflows/db']);
    v1.dispose();
  });

  it('accepts a mount setting below the real mount, moving the rest into the path', async () => {
    server.api.mountKv('kv2', 2);
    server.api.putSecret('kv2', 'team/workflows/api', { value: CANARY });
    const { provider } = makeProvider({ address: server.url, mount: 'kv2/team', pathPrefix: 'workflows' }, { token: TOKEN });
    assert.deepEqual(await provider.lookup('api'), { status: 'found', type: 'custom', data: { value: CANARY } });
    assert.equal(server.requestsTo('kv2/data/team/workflows/api').length, 1);
    assert.deepEqual(await provider.listNames(), { status: 'ok', names: ['api'] });
    assert.equal(server.requestsTo('kv2/metadata/team/workflows').length, 1);
    provider.dispose();
  });

  it('reads back what the KV v2 write API stored, as after `vault kv put`', async () => {
    const write = (body: unknown) =>
      fetch(`${server.url}/v1/secret/data/writes/stripe`, { method: 'POST', headers: { 'X-Vault-Token': TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await write({ data: { value: 'first' } })).status, 200);
    assert.equal((await write({ options: { cas: 0 }, data: { value: 'lost' } })).status, 400, 'check-and-set mismatch');
    assert.equal((await write({ options: { cas: 1 }, data: { value: CANARY } })).status, 200);
    const { provider } = makeProvider({ address: server.url, pathPrefix: 'writes' }, { token: TOKEN });
    assert.deepEqual(await provider.lookup('stripe'), { status: 'found', type: 'custom', data: { value: CANARY } });
    provider.dispose();
  });

  it('answers each documented 404 shape as an authoritative not-found naming where it looked', async () => {
    const { provider } = makeProvider({ address: server.url, pathPrefix: 'workflows' }, { token: TOKEN });
    assert.deepEqual(await provider.lookup('missing'), { status: 'notFound', where: 'secret/data/workflows/missing' });
    assert.deepEqual(await provider.lookup('deleted'), { status: 'notFound', where: 'secret/data/workflows/deleted (latest version deleted)' });
    assert.deepEqual(await provider.lookup('destroyed'), { status: 'notFound', where: 'secret/data/workflows/destroyed (latest version destroyed)' });
    provider.dispose();

    const noMount = makeProvider({ address: server.url, mount: 'nowhere', kvVersion: '2' }, { token: TOKEN }).provider;
    const missingMount = await noMount.lookup('stripe');
    assert.equal(missingMount.status, 'notFound');
    assert.match(missingMount.status === 'notFound' ? missingMount.where : '', /no secrets engine is mounted at "nowhere"/);
    noMount.dispose();

    // The unversioned-path warning: auto detection learns v2 from it; an explicit v1 setting is an error.
    const probing = makeProvider({ address: server.url, pathPrefix: 'workflows' }, { token: 'hvs.no-preflight' }).provider;
    assert.deepEqual(await probing.lookup('missing'), { status: 'notFound', where: 'secret/data/workflows/missing' });
    probing.dispose();
    const wrongVersion = makeProvider({ address: server.url, pathPrefix: 'workflows', kvVersion: '1' }, { token: TOKEN }).provider;
    const mismatch = await wrongVersion.lookup('stripe');
    assert.equal(mismatch.status, 'error');
    assert.match(mismatch.status === 'error' ? mismatch.message : '', /KV version 2 but kvVersion is set to "1"/);
    wrongVersion.dispose();
  });

  it('types a secret from custom_metadata.type and validates it like a local secret', async () => {
    const api = server.api;
    api.putSecret('secret', 'typed/login', { username: 'app', password: CANARY }, { customMetadata: { type: 'basicAuth' } });
    api.putSecret('secret', 'typed/client', { clientId: 'id', clientSecret: CANARY, scopes: ['read', 'write'] }, { customMetadata: { type: 'oauth' } });
    api.putSecret('secret', 'typed/broken', { key: CANARY }, { customMetadata: { type: 'apiKey' } });
    api.putSecret('secret', 'typed/unknownType', { value: CANARY }, { customMetadata: { type: 'sshKey' } });
    const { provider } = makeProvider({ address: server.url, pathPrefix: 'typed' }, { token: TOKEN });
    assert.deepEqual(await provider.lookup('login'), { status: 'found', type: 'basicAuth', data: { username: 'app', password: CANARY } });
    assert.deepEqual(await provider.lookup('client'), { status: 'found', type: 'oauth', data: { clientId: 'id', clientSecret: CANARY, scopes: ['read', 'write'] } });
    const broken = await provider.lookup('broken');
    assert.equal(broken.status, 'error');
    const message = broken.status === 'error' ? broken.message : '';
    assert.match(message, /"key"/);
    assert.match(message, /"value"/);
    assert.match(message, /secret\/data\/typed\/broken/);
    assert.ok(!message.includes(CANARY));
    const unknown = await provider.lookup('unknownType');
    assert.match(unknown.status === 'error' ? unknown.message : '', /custom_metadata\.type is "sshKey"/);
    provider.dispose();
  });

  it('turns non-string values into JSON text and leaves out null values and unreferenceable keys', async () => {
    server.api.putSecret('secret', 'mixed/config', { port: 5432, enabled: true, nested: { a: 1 }, list: ['x'], nothing: null, 'bad.key': 'x', host: 'db' });
    server.api.putSecret('secret', 'mixed/empty', { 'only.bad': 'x' });
    const { provider } = makeProvider({ address: server.url, pathPrefix: 'mixed' }, { token: TOKEN });
    assert.deepEqual(await provider.lookup('config'), {
      status: 'found',
      type: 'custom',
      data: { port: '5432', enabled: 'true', nested: '{"a":1}', list: '["x"]', host: 'db' },
    });
    assert.equal((await provider.lookup('empty')).status, 'error');
    assert.equal((await provider.lookup('not a name')).status, 'error');
    provider.dispose();
  });

  it('lists names with GET ?list=true, leaving out folders and names no reference can use', async () => {
    const { provider } = makeProvider({ address: server.url, pathPrefix: 'workflows' }, { token: TOKEN });
    assert.deepEqual(await provider.listNames(), { status: 'ok', names: ['deleted', 'destroyed', 'stripe'] });
    const list = server.requestsTo('secret/metadata/workflows');
    assert.equal(list.length, 1);
    assert.equal(list[0]?.method, 'GET');
    assert.equal(list[0]?.query.get('list'), 'true');
    provider.dispose();

    const empty = makeProvider({ address: server.url, pathPrefix: 'nothing-here' }, { token: TOKEN }).provider;
    assert.deepEqual(await empty.listNames(), { status: 'ok', names: [] });
    empty.dispose();
    const v1 = makeProvider({ address: server.url, mount: 'kv', pathPrefix: 'workflows', kvVersion: '1' }, { token: TOKEN }).provider;
    assert.deepEqual(await v1.listNames(), { status: 'ok', names: ['db'] });
    v1.dispose();
  });

  it('lists with the LIST verb when asked to', async () => {
    const provider = new HashicorpVaultProvider(
      { name: 'team', address: server.url, mount: 'secret', pathPrefix: 'workflows', kvVersion: '2', auth: { method: 'token' }, tlsSkipVerify: false, timeoutSeconds: 5, listVerb: 'LIST' },
      { credentials: staticCredentials({ token: TOKEN }) },
    );
    assert.deepEqual(await provider.listNames(), { status: 'ok', names: ['deleted', 'destroyed', 'stripe'] });
    assert.equal(server.requestsTo('secret/metadata/workflows')[0]?.method, 'LIST');
    provider.dispose();
  });

  it('sends X-Vault-Namespace and reads only that namespace', async () => {
    const team = makeProvider({ address: server.url, pathPrefix: 'workflows', namespace: 'team/' }, { token: TOKEN }).provider;
    assert.deepEqual(await team.lookup('teamOnly'), { status: 'found', type: 'custom', data: { value: CANARY } });
    assert.ok(server.requests.length > 0);
    for (const request of server.requests) assert.equal(request.namespace, 'team');
    team.dispose();

    const root = makeProvider({ address: server.url, pathPrefix: 'workflows' }, { token: TOKEN, env: { VAULT_NAMESPACE: 'team' } }).provider;
    assert.equal((await root.lookup('teamOnly')).status, 'found', 'VAULT_NAMESPACE applies when the setting is absent');
    root.dispose();
    const plain = makeProvider({ address: server.url, pathPrefix: 'workflows' }, { token: TOKEN }).provider;
    assert.equal((await plain.lookup('teamOnly')).status, 'notFound');
    plain.dispose();
  });
});
