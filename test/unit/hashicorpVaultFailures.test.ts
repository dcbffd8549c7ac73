import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ProviderLookup } from '../../shared/providers/secretProvider';
import { FakeVaultServer, closedPort, type ScriptedReply } from '../helpers/fakeVaultServer';
import { makeProvider } from '../helpers/providerHarness';

const TOKEN = 'hvs.failures';
const CANARY = 'canary-failure-c0ffee42';
const READ = 'secret/data/app/stripe';
const sealed: ScriptedReply = { status: 503, body: { errors: ['Vault is sealed'] } };

interface Row {
  name: string;
  replies: ScriptedReply[];
  expect: ProviderLookup['status'];
  reads: number;
  reason?: RegExp;
  sleeps?: number[];
}

/** The failure matrix: what Vault answers to the read, what the lookup must say, how many reads it took. */
const MATRIX: Row[] = [
  { name: '503 sealed, every time', replies: [sealed, sealed, sealed], expect: 'unavailable', reads: 3, reason: /503: Vault is sealed/ },
  { name: '429 with Retry-After: 1, then 200', replies: [{ status: 429, headers: { 'Retry-After': '1' }, body: { errors: ['rate limit quota exceeded'] } }], expect: 'found', reads: 2, sleeps: [1000] },
  { name: '429 with a fractional Retry-After, then 200', replies: [{ status: 429, headers: { 'Retry-After': '0.05' } }], expect: 'found', reads: 2, sleeps: [50] },
  { name: '429 asking for longer than the cap', replies: [{ status: 429, headers: { 'Retry-After': '60' } }], expect: 'unavailable', reads: 1, reason: /rate-limiting/ },
  { name: '429 after every retry', replies: [{ status: 429 }, { status: 429 }, { status: 429 }], expect: 'unavailable', reads: 3, reason: /rate-limiting/ },
  { name: '412 once, then 200', replies: [{ status: 412, body: { errors: [] } }], expect: 'found', reads: 2 },
  { name: '500 twice, then 200', replies: [{ status: 500, body: { errors: ['internal error'] } }, { status: 500, body: { errors: ['internal error'] } }], expect: 'found', reads: 3 },
  { name: '502 three times', replies: [{ status: 502 }, { status: 502 }, { status: 502 }], expect: 'unavailable', reads: 3, reason: /502/ },
  { name: 'connection reset twice, then 200', replies: [{ reset: true }, { reset: true }], expect: 'found', reads: 3 },
  { name: '400, not retried', replies: [{ status: 400, body: { errors: ['Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.'] } }], expect: 'error', reads: 1, reason: /bad request \(400: Upgrading/ },
  { name: '403 policy, not retried', replies: [{ status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } }], expect: 'error', reads: 1, reason: /permission denied \(403\)/ },
  { name: '403 invalid token with a plain token', replies: [{ status: 403, body: { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] } }], expect: 'error', reads: 1, reason: /invalid or expired\. Refresh it/ },
  { name: '404, not retried', replies: [{ status: 404, body: { errors: [] } }], expect: 'notFound', reads: 1 },
  { name: '501 not initialised, not retried', replies: [{ status: 501, body: { errors: ['Vault is not initialized'] } }], expect: 'unavailable', reads: 1, reason: /not initialised/ },
  { name: 'an HTML page from a proxy', replies: [{ status: 200, raw: '<html>Sign in to the proxy</html>', headers: { 'Content-Type': 'text/html' } }], expect: 'unavailable', reads: 1, reason: /not JSON/ },
];

describe('HashiCorp Vault provider: the failure matrix', () => {
  let server: FakeVaultServer;

  before(async () => {
    server = await FakeVaultServer.start();
    server.api.mountKv('secret', 2);
    server.api.addToken(TOKEN);
    server.api.putSecret('secret', 'app/stripe', { value: CANARY });
    server.api.putSecret('secret', 'app/deleted', { value: CANARY });
    server.api.removeLatest('secret', 'app/deleted', 'delete');
    server.api.putSecret('secret', 'app/destroyed', { value: CANARY });
    server.api.removeLatest('secret', 'app/destroyed', 'destroy');
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
  });

  const harness = (setting: Record<string, unknown> = {}) => makeProvider({ address: server.url, pathPrefix: 'app', kvVersion: '2', ...setting }, { token: TOKEN });

  for (const row of MATRIX) {
    it(`${row.name}: ${row.expect}`, async () => {
      for (const reply of row.replies) server.script({ path: READ }, reply);
      const { provider, sleeps } = harness();
      const result = await provider.lookup('stripe');
      provider.dispose();
      assert.equal(result.status, row.expect, JSON.stringify(result));
      assert.equal(server.requestsTo(READ).length, row.reads);
      if (row.reason) assert.match(result.status === 'unavailable' ? result.reason : result.status === 'error' ? result.message : '', row.reason);
      if (row.sleeps) assert.deepEqual(sleeps, row.sleeps);
      if (result.status !== 'found') assert.ok(!JSON.stringify(result).includes(CANARY));
    });
  }

  it('deleted and destroyed latest versions are authoritative not-founds', async () => {
    const { provider } = harness();
    assert.deepEqual(await provider.lookup('deleted'), { status: 'notFound', where: `secret/data/app/deleted (latest version deleted)` });
    assert.deepEqual(await provider.lookup('destroyed'), { status: 'notFound', where: `secret/data/app/destroyed (latest version destroyed)` });
    provider.dispose();
  });

  it('connection refused: retried, then unavailable; health says unreachable', async () => {
    const port = await closedPort();
    const { provider, sleeps } = makeProvider({ address: `http://127.0.0.1:${port}`, kvVersion: '2' }, { token: TOKEN });
    const result = await provider.lookup('stripe');
    assert.equal(result.status, 'unavailable');
    assert.match(result.status === 'unavailable' ? result.reason : '', new RegExp(`connection refused at 127\\.0\\.0\\.1:${port}`));
    assert.equal(sleeps.length, 2, 'two retries');
    const health = await provider.health();
    assert.equal(health.ok, false);
    assert.match(health.detail, /^unreachable: connection refused/);
    assert.equal((await provider.listNames()).status, 'unavailable');
    provider.dispose();
  });

  it('a stalled socket times out without a retry', async () => {
    server.script({ path: READ }, { stall: true }, 3);
    const { provider } = harness({ timeoutSeconds: 0.3 });
    const result = await provider.lookup('stripe');
    assert.equal(result.status, 'unavailable');
    assert.match(result.status === 'unavailable' ? result.reason : '', /timeout/);
    assert.equal(server.requestsTo(READ).length, 1);
    provider.dispose();
  });

  it('an abort ends a stalled request with an AbortError', async () => {
    server.script({ path: READ }, { stall: true });
    const { provider } = harness({ timeoutSeconds: 60 });
    const controller = new AbortController();
    const pending = provider.lookup('stripe', controller.signal);
    await server.waitForStalled();
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    provider.dispose();
  });

  it('follows one 307 standby redirect to a second listener, and refuses a second redirect', async () => {
    const active = await FakeVaultServer.start();
    active.api.mountKv('secret', 2);
    active.api.addToken(TOKEN);
    active.api.putSecret('secret', 'app/stripe', { value: CANARY });
    try {
      server.script({ path: READ }, (request) => ({ status: 307, headers: { Location: `${active.url}${request.url}` } }));
      const { provider } = harness();
      assert.deepEqual(await provider.lookup('stripe'), { status: 'found', type: 'custom', data: { value: CANARY } });
      const redirected = active.requestsTo(READ);
      assert.equal(redirected.length, 1);
      assert.equal(redirected[0]?.token, TOKEN);
      assert.equal(redirected[0]?.vaultRequestHeader, 'true');

      server.script({ path: READ }, (request) => ({ status: 307, headers: { Location: `${active.url}${request.url}` } }));
      active.script({ path: READ }, (request) => ({ status: 307, headers: { Location: `${server.url}${request.url}` } }));
      const twice = await provider.lookup('stripe');
      assert.equal(twice.status, 'unavailable');
      assert.match(twice.status === 'unavailable' ? twice.reason : '', /redirected .* more than once/);
      provider.dispose();
    } finally {
      await active.close();
    }
  });

  it('reports health from sys/health: active, standby, sealed', async () => {
    const { provider } = harness();
    assert.deepEqual(await provider.health(), { ok: true, detail: 'active' });
    server.api.state = 'standby';
    assert.deepEqual(await provider.health(), { ok: true, detail: 'standby' });
    server.api.state = 'sealed';
    assert.deepEqual(await provider.health(), { ok: false, detail: 'sealed' });
    const result = await provider.lookup('stripe');
    assert.equal(result.status, 'unavailable');
    server.api.state = 'active';
    assert.equal(server.requestsTo('sys/health').every((request) => request.token === undefined), true);
    provider.dispose();
  });
});
