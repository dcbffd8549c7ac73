import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import { createProviders } from '../../shared/providers/providerRegistry';
import type { ProviderCredentials } from '../../shared/providers/providerCredentials';
import type { SecretProvider } from '../../shared/providers/secretProvider';
import { SECRET_TYPES, validateSecretData } from '../../shared/secretTypes';
import { providerSettingSchema } from '../../shared/settings';
import { checkProperty } from './support/property';

/**
 * The HashiCorp Vault provider against a local HTTP server on 127.0.0.1 that answers every
 * request with a generated response: any status, malformed or Vault-shaped JSON of the wrong
 * types, random bytes, a closed socket, a stalled one, a cut-off body, redirects (local addresses
 * only: no DNS in CI), huge
 * bodies. Every lookup, list and health call must end in a typed answer (never throw, never
 * hang), within a bounded number of requests, and no message or log line may carry a value or
 * the token.
 */
const CANARY = `CANARY-provider-${randomBytes(6).toString('hex')}`;
const TOKEN = `hvs.CANARY-token-${randomBytes(6).toString('hex')}`;
const GUARD_MS = 20_000;
const MAX_REQUESTS_PER_CALL = 40;

type Reply =
  | { kind: 'json'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'bytes'; status: number; bytes: Uint8Array }
  | { kind: 'destroy' }
  | { kind: 'stall' }
  | { kind: 'partial'; status: number; text: string }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'huge'; status: number };

const status = fc.oneof(fc.constantFrom(200, 204, 301, 302, 307, 308, 400, 403, 404, 405, 412, 429, 472, 473, 500, 501, 502, 503, 504), fc.integer({ min: 200, max: 599 }));
/** Any JSON, never a secret value: Vault's own error text and metadata may be quoted in messages. */
const plain = fc.jsonValue({ maxDepth: 3 });
/** Where secret data sits (KV v1 `data`, KV v2 `data.data`): the canary may be there, and must never be echoed. */
const payload = fc.oneof({ weight: 3, arbitrary: fc.constant(CANARY) }, { weight: 1, arbitrary: plain });
const fields = fc.oneof({ weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), payload, { maxKeys: 4 }) }, { weight: 1, arbitrary: payload });
const vaultish = fc.record(
  {
    data: fc.oneof(
      fields,
      fc.record({ data: fields, metadata: fc.oneof(plain, fc.record({ version: plain, deletion_time: fc.oneof(fc.constant(''), fc.string()), destroyed: plain, custom_metadata: fc.oneof(plain, fc.record({ type: fc.oneof(fc.constantFrom(...SECRET_TYPES), fc.string()) })) })) }),
      fc.record({ keys: fc.array(fc.oneof(fc.string({ maxLength: 10 }), plain), { maxLength: 5 }) }),
      fc.record({ type: fc.constantFrom('kv', 'generic', 'x'), path: fc.string(), options: fc.oneof(plain, fc.record({ version: fc.oneof(fc.constantFrom('1', '2', 1, 2), plain) })) }),
    ),
    errors: fc.array(fc.oneof(fc.constantFrom('permission denied', 'invalid token', '1 error occurred:\n\t* permission denied\n\n', 'Vault is sealed', 'Invalid path for a versioned K/V secrets engine'), plain), { maxLength: 2 }),
    warnings: plain,
    auth: fc.oneof(plain, fc.record({ client_token: fc.oneof(fc.string(), plain), lease_duration: fc.oneof(fc.integer(), plain), renewable: plain })),
  },
  { requiredKeys: [] },
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'text/html', 'application/json; charset=utf-8', ''),
    'retry-after': fc.oneof(fc.nat({ max: 5 }).map(String), fc.constantFrom('-1', 'soon', '999999', 'Wed, 21 Oct 2015 07:28:00 GMT', '')),
  },
  { requiredKeys: [] },
);
const reply: fc.Arbitrary<Reply> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('json' as const), status, body: vaultish, headers }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('json' as const), status, body: fc.oneof(plain, fields), headers }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), status, bytes: fc.uint8Array({ maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'destroy' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partial' as const), status, text: fc.constantFrom('{"data":{"data":{"a":"', '{"errors":[', '{') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redirect' as const), status: fc.constantFrom(301, 302, 307, 308), location: fc.oneof(fc.constantFrom('http://127.0.0.1:1/v1/x', 'https://127.0.0.1:1/v1/x', '/v1/secret/data/x', '::not a url::', '', 'ftp://127.0.0.1/x'), fc.nat({ max: 65535 }).map((port) => `http://127.0.0.1:${port}/v1/secret/data/x`)) }) },
);
const rare: fc.Arbitrary<Reply> = fc.oneof(fc.constant({ kind: 'stall' as const }), fc.record({ kind: fc.constant('huge' as const), status: fc.constant(200) }));
const script = fc.array(fc.oneof({ weight: 150, arbitrary: reply }, { weight: 1, arbitrary: rare }), { minLength: 1, maxLength: 6 });

const setting = fc.record({
  kvVersion: fc.constantFrom('auto', '1', '2'),
  auth: fc.constantFrom('token', 'token', 'approle'),
  namespace: fc.option(fc.constantFrom('team', 'a/b'), { nil: undefined }),
  pathPrefix: fc.constantFrom('', 'apps', 'a/b/'),
});
const lookupName = fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,10}$/) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });

test('the Vault provider answers every malformed HTTP response with a typed result, never a throw or a hang', async (t) => {
  let current: Reply[] = [{ kind: 'destroy' }];
  let served = 0;
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => answer(current[served++ % current.length]!, request, response));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logged: string[] = [];
  const credentials: ProviderCredentials = { get: async (_provider, kind) => ({ value: kind === 'token' ? TOKEN : `${TOKEN}-secret-id`, source: 'the test' }) };

  await checkProperty(
    t,
    'Vault provider: malformed responses',
    fc.asyncProperty(script, setting, lookupName, async (replies, options, name) => {
      current = replies;
      served = 0;
      const parsed = providerSettingSchema.parse({ name: 'fuzz', kind: 'hashicorpVault', address, timeoutSeconds: 0.1, roleId: 'role', ...options });
      const [provider] = createProviders([parsed], credentials, {
        env: {},
        logger: { info: (message) => logged.push(message), warn: (message) => logged.push(message) },
        runtime: { backoffMs: 1, sleep: async () => undefined },
      }) as [SecretProvider];
      try {
        const lookup = await guarded(provider.lookup(name), 'lookup');
        assert.ok(['found', 'notFound', 'unavailable', 'error'].includes(lookup.status), `lookup status ${String(lookup.status)}`);
        if (lookup.status === 'found') assert.ok(validateSecretData(lookup.type, lookup.data).ok, 'a found secret is valid for its type');
        else assertClean(JSON.stringify(lookup));
        assert.ok(served <= MAX_REQUESTS_PER_CALL, `${served} requests for one lookup`);
        served = 0;
        const list = await guarded(provider.listNames(), 'list');
        assert.ok(['ok', 'unavailable', 'error'].includes(list.status));
        if (list.status === 'ok') assert.ok(list.names.every((entry) => typeof entry === 'string'));
        assertClean(JSON.stringify(list));
        served = 0;
        const health = await guarded(provider.health(), 'health');
        assert.equal(typeof health.ok, 'boolean');
        assertClean(JSON.stringify(health));
        for (const line of logged.splice(0)) assertClean(line);
      } finally {
        provider.dispose();
        for (const socket of sockets) socket.destroy();
      }
    }),
  );
});

function assertClean(text: string): void {
  assert.ok(!text.includes(CANARY), `a secret value leaked into ${text.slice(0, 300)}`);
  assert.ok(!text.includes(TOKEN), `the token leaked into ${text.slice(0, 300)}`);
}

async function guarded<T>(call: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([call, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish in ${GUARD_MS} ms`)), GUARD_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

function answer(reply: Reply, request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  switch (reply.kind) {
    case 'json': {
      const body = JSON.stringify(reply.body) ?? '';
      response.writeHead(reply.status, Object.fromEntries(Object.entries(reply.headers).filter(([, value]) => value !== '')));
      response.end(reply.status === 204 || reply.status === 304 ? undefined : body);
      return;
    }
    case 'bytes':
      response.writeHead(reply.status);
      response.end(Buffer.from(reply.bytes));
      return;
    case 'destroy':
      request.socket.destroy();
      return;
    case 'stall':
      return; // Never answered: the client's timeout must end it.
    case 'partial':
      response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write(reply.text);
      setImmediate(() => request.socket.destroy());
      return;
    case 'redirect':
      response.writeHead(reply.status, reply.location ? { location: reply.location } : {});
      response.end();
      return;
    case 'huge':
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(`{"data":{"data":{"a":"${'x'.repeat(5 * 1024 * 1024)}"}}}`);
      return;
  }
}
