import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSuppressed, suppressionsOf } from '../../shared/workflowSuppressions';

describe('suppressionsOf', () => {
  it('reads own-line YAML comments listing codes, with spaces or commas and a trailing reason', () => {
    const text = 'name: x\n# workflow-secrets-disable unknown-field, expired-secret -- tokens rotate nightly\nnodes: []\n';
    const found = suppressionsOf(text, 'yaml', undefined);
    assert.equal(found.all, false);
    assert.deepEqual([...found.codes].sort(), ['expired-secret', 'unknown-field']);
    assert.ok(isSuppressed(found, 'unknown-field'));
    assert.ok(!isSuppressed(found, 'unknown-secret'));
  });

  it('treats a comment without codes as every code, and ignores unknown words and comments after values', () => {
    assert.equal(suppressionsOf('# workflow-secrets-disable\nnodes: []\n', 'yaml', undefined).all, true);
    const noise = suppressionsOf('# workflow-secrets-disable not-a-code\nurl: x # workflow-secrets-disable unknown-secret\n', 'yaml', undefined);
    assert.equal(noise.all, false);
    assert.equal(noise.codes.size, 0);
    // A longer word is not the directive.
    assert.equal(suppressionsOf('# workflow-secrets-disabled\n', 'yaml', undefined).all, false);
  });

  it('reads the top-level "workflow-secrets-disable" key in JSON (list, true or "all") and ignores # lines there', () => {
    assert.deepEqual([...suppressionsOf('', 'json', { 'workflow-secrets-disable': ['syntax', 'bogus'] }).codes], ['syntax']);
    assert.equal(suppressionsOf('', 'json', { 'workflow-secrets-disable': true }).all, true);
    assert.equal(suppressionsOf('', 'json', { 'workflow-secrets-disable': 'all' }).all, true);
    assert.equal(suppressionsOf('', 'json', { 'workflow-secrets-disable': '' }).all, false);
    assert.equal(suppressionsOf('# workflow-secrets-disable\n{}', 'json', {}).all, false);
    assert.deepEqual([...suppressionsOf('// workflow-secrets-disable structure\n{}', 'json', {}).codes], ['structure']);
  });
});
