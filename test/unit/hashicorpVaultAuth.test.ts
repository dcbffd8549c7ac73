import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { SecretProvider } from '../../shared/providers/secretProvider';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { makeProvider, manualClock } from '../helpers/providerHarness';

const VALUE = 'canary-auth-51d0b2';
const SECRET_ID = 'canary-secret-id-9e44';
const INVALID_TOKEN = { status: 403, body: { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] } };

describe('HashiCorp Vault provider: token and AppRole authentication', () => {
  let server: FakeVaultServer;
  let clock: ReturnType<typeof manualClock>;
  const providers: SecretProvider[] = [];

  before(async () => {
    clock = manualClock();
    server = await FakeVaultServer.start({ now: () => clock.now() });
    server.api.mountKv('secret', 2);
    server.api.putSecret('secret', 'app/stripe', { value: VALUE });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
  });
  afterEach(() => {
    for (const provider of providers.splice(0)) provider.dispose();
  });

  function provider(setting: Record<string, unknown>, options: Parameters<typeof makeProvider>[1] = {}) {
    const harness = makeProvider({ address: server.url, pathPrefix: 'app', kvVersion: '2', ...setting }, { now: () => clock.now(), ...options });
    providers.push(harness.provider);
    return harness.provider;
  }

  it('validates a token lazily with lookup-self, once', async () => {
    server.api.addToken('hvs.lazy');
    const vault = provider({}, { token: 'hvs.lazy' });
    assert.equal(server.requests.length, 0, 'creating the provider sends nothing');
    assert.equal((await vault.lookup('stripe')).status, 'found');
    assert.equal((await vault.lookup('stripe')).status, 'found');
    assert.equal(server.requestsTo('auth/token/lookup-self').length, 1);
  });

  it('renews a renewable token once two thirds of its TTL have passed', async () => {
    server.api.addToken('hvs.renewable', { ttlSeconds: 300, renewable: true });
    const vault = provider({}, { token: 'hvs.renewable' });
    assert.equal((await vault.lookup('stripe')).status, 'found');
    clock.advance(150_000);
    assert.equal((await vault.lookup('stripe')).status, 'found');
    assert.equal(server.requestsTo('auth/token/renew-self').length, 0, 'not yet due');
    clock.advance(100_000);
    assert.equal((await vault.lookup('stripe')).status, 'found');
    assert.equal(server.requestsTo('auth/token/renew-self').length, 1);
    clock.advance(100_000); // past the original expiry, within the renewed lease
    assert.equal((await vault.lookup('stripe')).status, 'found');
  });

  it('tells the user to refresh a plain token that Vault calls invalid, naming where it came from', async () => {
    server.api.addToken('hvs.revoked');
    const vault = provider({}, { token: 'hvs.revoked' });
    assert.equal((await vault.lookup('stripe')).status, 'found');
    server.api.tokens.delete('hvs.revoked');
    const result = await vault.lookup('stripe');
    assert.equal(result.status, 'error');
    const message = result.status === 'error' ? result.message : '';
    assert.match(message, /HashiCorp Vault 'team' rejected the token from the test token as invalid or expired/);
    assert.match(message, /Refresh it/);
    assert.match(message, /VAULT_TOKEN/);

    const unknown = provider({}, { token: 'hvs.never-issued' });
    const first = await unknown.lookup('stripe');
    assert.match(first.status === 'error' ? first.message : '', /invalid or expired/);
  });

  it('reports a missing token with where to supply one, without asking Vault', async () => {
    const vault = provider({});
    const result = await vault.lookup('stripe');
    assert.equal(result.status, 'error');
    assert.match(result.status === 'error' ? result.message : '', /has no token\. Set WORKFLOW_SECRETS_PROVIDER_TEAM_TOKEN or VAULT_TOKEN/);
    assert.equal(server.requests.length, 0);
  });

  it('refuses a token with non-printable characters before sending it', async () => {
    const vault = provider({}, { token: 'hvs.abc\r\nX-Injected: 1' });
    const result = await vault.lookup('stripe');
    assert.equal(result.status, 'error');
    assert.match(result.status === 'error' ? result.message : '', /non-printable/);
    assert.ok(!(result.status === 'error' && result.message.includes('hvs.abc')));
    assert.equal(server.requests.length, 0);
  });

  it('logs in with AppRole once and reuses the token', async () => {
    server.api.addAppRole('role-a', SECRET_ID, { ttlSeconds: 600 });
    const vault = provider({ auth: 'approle', roleId: 'role-a' }, { secretId: SECRET_ID });
    assert.deepEqual(await vault.lookup('stripe'), { status: 'found', type: 'custom', data: { value: VALUE } });
    assert.equal((await vault.lookup('stripe')).status, 'found');
    const logins = server.requestsTo('auth/approle/login');
    assert.equal(logins.length, 1);
    assert.deepEqual(logins[0]?.body, { role_id: 'role-a', secret_id: SECRET_ID });
    assert.equal(logins[0]?.token, undefined, 'a login carries no token');
  });

  it('renews an AppRole token before expiry, and logs in again when it cannot be renewed', async () => {
    server.api.addAppRole('role-renew', SECRET_ID, { ttlSeconds: 60, renewable: true });
    const renewing = provider({ auth: 'approle', roleId: 'role-renew' }, { secretId: SECRET_ID });
    assert.equal((await renewing.lookup('stripe')).status, 'found');
    clock.advance(45_000);
    assert.equal((await renewing.lookup('stripe')).status, 'found');
    assert.equal(server.requestsTo('auth/token/renew-self').length, 1);
    assert.equal(server.requestsTo('auth/approle/login').length, 1);

    server.requests.length = 0;
    server.api.addAppRole('role-fixed', SECRET_ID, { ttlSeconds: 60, renewable: false });
    const fixed = provider({ auth: 'approle', roleId: 'role-fixed' }, { secretId: SECRET_ID });
    assert.equal((await fixed.lookup('stripe')).status, 'found');
    clock.advance(45_000);
    assert.equal((await fixed.lookup('stripe')).status, 'found');
    assert.equal(server.requestsTo('auth/token/renew-self').length, 0);
    assert.equal(server.requestsTo('auth/approle/login').length, 2);
    clock.advance(120_000); // long expired: a fresh login, not a failed read
    assert.equal((await fixed.lookup('stripe')).status, 'found');
    assert.equal(server.requestsTo('auth/approle/login').length, 3);
  });

  it('logs in again once when Vault calls the AppRole token invalid', async () => {
    server.api.addAppRole('role-relogin', SECRET_ID, { ttlSeconds: 3600 });
    const vault = provider({ auth: 'approle', roleId: 'role-relogin' }, { secretId: SECRET_ID });
    assert.equal((await vault.lookup('stripe')).status, 'found');
    for (const token of server.api.tokens.keys()) server.api.tokens.delete(token); // revoked behind our back
    assert.equal((await vault.lookup('stripe')).status, 'found');
    assert.equal(server.requestsTo('auth/approle/login').length, 2);

    server.script({ path: 'secret/data/app/stripe' }, INVALID_TOKEN, 2);
    const stillInvalid = await vault.lookup('stripe');
    assert.equal(stillInvalid.status, 'error');
    assert.match(stillInvalid.status === 'error' ? stillInvalid.message : '', /fresh AppRole login/);
    assert.equal(server.requestsTo('auth/approle/login').length, 3, 'exactly one more login, not a loop');
  });

  it('never retries a login, and never shows the secret id', async () => {
    server.api.addAppRole('role-once', SECRET_ID, { uses: 5 });
    server.script({ path: 'auth/approle/login' }, { status: 503, body: { errors: ['Vault is sealed'] } });
    const vault = provider({ auth: 'approle', roleId: 'role-once' }, { secretId: SECRET_ID });
    const sealed = await vault.lookup('stripe');
    assert.equal(sealed.status, 'unavailable');
    assert.equal(server.requestsTo('auth/approle/login').length, 1);

    const wrong = provider({ auth: 'approle', roleId: 'role-once' }, { secretId: `${SECRET_ID}-wrong` });
    const refused = await wrong.lookup('stripe');
    assert.equal(refused.status, 'error');
    const message = refused.status === 'error' ? refused.message : '';
    assert.match(message, /refused the AppRole login \(400\)/);
    assert.match(message, /WORKFLOW_SECRETS_PROVIDER_TEAM_SECRET_ID/);
    assert.ok(!message.includes(SECRET_ID));
  });

  it('asks for a secret id when AppRole has none', async () => {
    const vault = provider({ auth: 'approle', roleId: 'role-a' });
    const result = await vault.lookup('stripe');
    assert.match(result.status === 'error' ? result.message : '', /uses AppRole but has no secret id/);
    assert.equal(server.requests.length, 0);
  });
});
