import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestNames, editDistance } from '../../shared/closestNames';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    assert.equal(editDistance('stripe', 'stripe'), 0);
    assert.equal(editDistance('strpe', 'stripe'), 1);
    assert.equal(editDistance('stripes', 'stripe'), 1);
    assert.equal(editDistance('strupe', 'stripe'), 1);
    assert.equal(editDistance('srtipe', 'stripe'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('stops early past the limit and reports limit + 1', () => {
    assert.equal(editDistance('aaaaaaaa', 'bbbbbbbb', 2), 3);
    assert.equal(editDistance('a', 'abcdefgh', 2), 3);
  });
});

describe('closestNames', () => {
  const names = ['stripe', 'stripe-test', 'github', 'Slack', 'db-prod', 'db-staging'];

  it('ranks a case-only difference first, then by distance', () => {
    assert.deepEqual(closestNames('Stripe', names), ['stripe', 'stripe-test']);
    assert.deepEqual(closestNames('slack', names), ['Slack']);
    assert.deepEqual(closestNames('githb', names), ['github']);
  });

  it('finds a shortened name that the candidate contains', () => {
    assert.ok(closestNames('staging', names).includes('db-staging'));
  });

  it('returns nothing for a name unlike any candidate, and never the name itself', () => {
    assert.deepEqual(closestNames('zzzzzz', names), []);
    assert.deepEqual(closestNames('github', ['github']), []);
  });

  it('honours max and maxDistance', () => {
    assert.deepEqual(closestNames('db-prd', names, { max: 1 }), ['db-prod']);
    assert.deepEqual(closestNames('gthb', names, { maxDistance: 1 }), []);
  });
});
