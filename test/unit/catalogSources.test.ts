import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeCatalog } from '../../server/catalogStore';
import { parseInitializationOptions } from '../../server/initializationOptions';
import { parseSettings } from '../../server/settings';
import { catalogFromMetadata } from '../../shared/catalogFromVault';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { SecretMetadata } from '../../shared/vault/vaultTypes';

const metadata: SecretMetadata = {
  id: '6f1c1f1e-1111-4b7a-9a53-2f3b0d4c5e6f',
  name: 'github',
  type: 'bearerToken',
  description: 'CI token',
  tags: ['ci'],
  fields: ['token', 'expiresAt'],
  expiresAt: '2027-01-31T00:00:00Z',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T00:00:00.000Z',
};

describe('catalogFromMetadata', () => {
  it('copies names, types, fields, expiry and dates, marks the source local, and carries nothing else', () => {
    const extra = { ...metadata, data: { token: 'canary-meta-1' } } as SecretMetadata;
    const catalog = catalogFromMetadata([extra], 'dev');
    assert.deepEqual(catalog, {
      state: 'ready',
      environment: 'dev',
      secrets: [
        {
          name: 'github',
          type: 'bearerToken',
          description: 'CI token',
          tags: ['ci'],
          fields: ['token', 'expiresAt'],
          expiresAt: '2027-01-31T00:00:00Z',
          source: { kind: 'local' },
          createdAt: '2025-01-01T00:00:00.000Z',
          updatedAt: '2025-01-02T00:00:00.000Z',
        },
      ],
    });
    assert.ok(!JSON.stringify(catalog).includes('canary-meta-1'));
  });

  it('takes a state and its reason', () => {
    assert.deepEqual(catalogFromMetadata([], 'default', { state: 'locked', stateReason: 'the vault is locked' }), { state: 'locked', stateReason: 'the vault is locked', environment: 'default', secrets: [] });
  });
});

describe('sanitizeCatalog (what the server keeps of a client catalog)', () => {
  it('keeps the documented properties only and drops malformed secrets', () => {
    const catalog = sanitizeCatalog({
      state: 'ready',
      environment: 'prod',
      secrets: [
        { name: 'a', type: 'apiKey', fields: ['value', 7], tags: 'x', value: 'canary-client-1', source: { kind: 'provider', provider: 'team' } },
        { name: 'b', type: 'nonsense', fields: [] },
        'junk',
      ],
    });
    assert.deepEqual(catalog, { state: 'ready', environment: 'prod', secrets: [{ name: 'a', type: 'apiKey', description: '', tags: [], fields: ['value'], source: { kind: 'provider', provider: 'team' } }] });
  });

  it('refuses what is not a catalog', () => {
    assert.equal(sanitizeCatalog(null), undefined);
    assert.equal(sanitizeCatalog({ state: 'weird', secrets: [] }), undefined);
    assert.equal(sanitizeCatalog({ state: 'ready' }), undefined);
  });
});

describe('settings and initialization options', () => {
  it('keeps good settings when one is bad, and logs the bad one', () => {
    const logged: string[] = [];
    const settings = parseSettings({ workflowGlobs: ['**/*.flow.json'], diagnostics: { debounceMs: -5 } }, (message) => logged.push(message));
    assert.deepEqual(settings.workflowGlobs, ['**/*.flow.json']);
    assert.deepEqual(settings.diagnostics, DEFAULT_SETTINGS.diagnostics);
    assert.match(logged.join('\n'), /workflowSecrets\.diagnostics/);
    assert.deepEqual(parseSettings(undefined), DEFAULT_SETTINGS);
  });

  it('reads initializationOptions, defaulting to reading the vault itself', () => {
    assert.deepEqual(parseInitializationOptions(undefined, 'Neovim'), { selfCatalog: true });
    assert.deepEqual(parseInitializationOptions({ selfCatalog: false, vaultPath: '/v', environment: 'dev', settings: { x: 1 } }, 'Visual Studio Code'), {
      selfCatalog: false,
      vaultPath: '/v',
      environment: 'dev',
      settings: { x: 1 },
      retriggerCompletionCommand: 'editor.action.triggerSuggest',
    });
    assert.equal(parseInitializationOptions({ retriggerCompletionCommand: '' }, 'Visual Studio Code').retriggerCompletionCommand, undefined);
  });
});
