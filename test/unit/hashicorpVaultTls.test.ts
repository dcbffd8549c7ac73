import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isWorkflowSecretsError } from '../../shared/errors';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { makeProvider } from '../helpers/providerHarness';
import { makeTestCertificates, type TestCertificates } from '../helpers/testCertificates';

const TOKEN = 'hvs.tls';
const CANARY = 'canary-tls-3b7e11';
const FOUND = { status: 'found', type: 'custom', data: { value: CANARY } };

describe('HashiCorp Vault provider: TLS', () => {
  let certificates: TestCertificates;
  let server: FakeVaultServer;

  before(async () => {
    certificates = makeTestCertificates();
    server = await FakeVaultServer.start({ tls: { key: certificates.key, cert: certificates.cert } });
    server.api.mountKv('secret', 2);
    server.api.addToken(TOKEN);
    server.api.putSecret('secret', 'app/stripe', { value: CANARY });
  });
  after(async () => {
    await server.close();
    certificates.cleanup();
  });
  beforeEach(() => {
    server.reset();
  });

  const lookup = async (setting: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    const harness = makeProvider({ address: server.url, pathPrefix: 'app', kvVersion: '2', ...setting }, { token: TOKEN, env });
    try {
      return { result: await harness.provider.lookup('stripe'), warnings: harness.warnings };
    } finally {
      harness.provider.dispose();
    }
  };

  it('trusts a self-signed CA given as caFile or VAULT_CACERT', async () => {
    assert.deepEqual((await lookup({ caFile: certificates.caFile })).result, FOUND);
    assert.deepEqual((await lookup({}, { VAULT_CACERT: certificates.caFile })).result, FOUND);
  });

  it('refuses an unknown CA as an error (no fallback) that says how to trust it', async () => {
    const { result } = await lookup({});
    assert.equal(result.status, 'error');
    assert.match(result.status === 'error' ? result.message : '', /could not be verified .*set caFile or VAULT_CACERT/);
    assert.equal(server.requests.length, 0, 'nothing was sent over the unverified connection');
  });

  it('skips verification only when explicitly true, and warns', async () => {
    const skipped = await lookup({ tlsSkipVerify: true });
    assert.deepEqual(skipped.result, FOUND);
    assert.match(skipped.warnings.join('\n'), /verification is turned off/);
    assert.deepEqual((await lookup({}, { VAULT_SKIP_VERIFY: 'yes' })).result, FOUND);
    for (const off of ['false', '0', 'no', '']) {
      assert.equal((await lookup({}, { VAULT_SKIP_VERIFY: off })).result.status, 'error', `VAULT_SKIP_VERIFY=${JSON.stringify(off)} keeps verification on`);
    }
    await assert.rejects(
      lookup({}, { VAULT_SKIP_VERIFY: 'maybe' }),
      (error: unknown) => isWorkflowSecretsError(error, 'usage') && /VAULT_SKIP_VERIFY/.test(error.message),
    );
  });

  it('reports a CA file that cannot be read', async () => {
    const { result } = await lookup({ caFile: join(certificates.dir, 'missing.pem') });
    assert.equal(result.status, 'error');
    assert.match(result.status === 'error' ? result.message : '', /cannot read the CA file .*missing\.pem \(ENOENT\)/);
  });

  it('never follows a redirect from https to http', async () => {
    const plain = await FakeVaultServer.start();
    try {
      server.script({ path: 'secret/data/app/stripe' }, (request) => ({ status: 307, headers: { Location: `${plain.url}${request.url}` } }));
      const { result } = await lookup({ caFile: certificates.caFile });
      assert.equal(result.status, 'error');
      assert.match(result.status === 'error' ? result.message : '', /not https; the redirect was refused/);
      assert.equal(plain.requests.length, 0);
    } finally {
      await plain.close();
    }
  });
});
