import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SECRET_TYPES,
  SECRET_TYPE_SPECS,
  validateSecretData,
  fieldAsString,
  fieldNamesOf,
  guessTypeFromField,
  isSecretType,
} from '../../shared/secretTypes';
import { nameProblem, isValidName, sameNameIgnoringCase, NAME_MAX_LENGTH } from '../../shared/secretNames';

const CANARY = 'canary-Zq81-value';

function problemsOf(type: Parameters<typeof validateSecretData>[0], data: unknown): string[] {
  const result = validateSecretData(type, data);
  assert.equal(result.ok, false, `expected ${type} data to be refused`);
  return result.ok ? [] : result.problems;
}

test('apiKey requires a non-empty value', () => {
  assert.deepEqual(validateSecretData('apiKey', { value: CANARY }), { ok: true, data: { value: CANARY } });
  assert.match(problemsOf('apiKey', {}).join(), /"value" is required/);
  assert.match(problemsOf('apiKey', { value: '   ' }).join(), /"value" must not be empty/);
});

test('basicAuth requires username and password', () => {
  assert.equal(validateSecretData('basicAuth', { username: 'app', password: CANARY }).ok, true);
  const problems = problemsOf('basicAuth', { username: '' });
  assert.ok(problems.some((p) => p.includes('"username" must not be empty')));
  assert.ok(problems.some((p) => p.includes('"password" is required')));
});

test('bearerToken takes an optional ISO-8601 expiresAt', () => {
  assert.equal(validateSecretData('bearerToken', { token: CANARY }).ok, true);
  assert.equal(validateSecretData('bearerToken', { token: CANARY, expiresAt: '2027-01-31T00:00:00Z' }).ok, true);
  assert.match(problemsOf('bearerToken', { token: CANARY, expiresAt: 'tomorrow' }).join(), /ISO-8601/);
  assert.match(problemsOf('bearerToken', { expiresAt: '2027-01-31T00:00:00Z' }).join(), /"token" is required/);
});

test('oauth requires clientId and clientSecret, keeps scopes as a list and checks tokenUrl', () => {
  const result = validateSecretData('oauth', { clientId: 'id', clientSecret: CANARY, scopes: ['read', 'write'], tokenUrl: 'https://auth.example/token' });
  assert.ok(result.ok);
  assert.deepEqual(result.ok && result.data.scopes, ['read', 'write']);
  assert.match(problemsOf('oauth', { clientId: 'id' }).join(), /"clientSecret" is required/);
  assert.match(problemsOf('oauth', { clientId: 'id', clientSecret: 's', tokenUrl: 'ftp://x' }).join(), /http or https/);
  assert.match(problemsOf('oauth', { clientId: 'id', clientSecret: 's', scopes: 'read' }).join(), /list of strings/);
});

test('custom accepts arbitrary string fields and needs at least one', () => {
  assert.deepEqual(validateSecretData('custom', { url: 'https://x', signingKey: CANARY }), {
    ok: true,
    data: { url: 'https://x', signingKey: CANARY },
  });
  assert.match(problemsOf('custom', {}).join(), /at least one field/);
  assert.match(problemsOf('custom', { 'bad name': 'x' }).join(), /field name "bad name" is not allowed/);
  assert.match(problemsOf('custom', { n: 5 }).join(), /must be a string/);
});

test('unknown fields on typed secrets are refused with the allowed list', () => {
  const problems = problemsOf('apiKey', { value: 'v', extra: 'x' }).join();
  assert.match(problems, /unknown field\(s\) "extra" for type apiKey; allowed: value/);
  assert.match(problemsOf('basicAuth', { username: 'u', password: 'p', pass: 'x' }).join(), /allowed: username, password/);
});

test('validation messages never contain the values', () => {
  const attempts: [Parameters<typeof validateSecretData>[0], unknown][] = [
    ['apiKey', { value: CANARY, extra: CANARY }],
    ['bearerToken', { token: CANARY, expiresAt: CANARY }],
    ['oauth', { clientId: CANARY, clientSecret: CANARY, tokenUrl: CANARY }],
    ['custom', { [CANARY]: 5 }],
  ];
  for (const [type, data] of attempts) {
    const result = validateSecretData(type, data);
    assert.equal(result.ok, false);
    if (!result.ok) for (const problem of result.problems) assert.ok(!problem.includes('Zq81-value'), problem);
  }
});

test('a list field becomes a space-joined string in a reference; absent fields are undefined', () => {
  const data = { clientId: 'id', clientSecret: 's', scopes: ['read', 'write'] };
  assert.equal(fieldAsString(data, 'scopes'), 'read write');
  assert.equal(fieldAsString(data, 'clientId'), 'id');
  assert.equal(fieldAsString(data, 'refreshToken'), undefined);
  assert.equal(fieldAsString(data, 'toString'), undefined);
});

test('every type has a spec; fields are listed required first', () => {
  for (const type of SECRET_TYPES) {
    assert.ok(isSecretType(type));
    const fields = SECRET_TYPE_SPECS[type].fields;
    const firstOptional = fields.findIndex((field) => !field.required);
    if (firstOptional >= 0) assert.ok(fields.slice(firstOptional).every((field) => !field.required), type);
  }
  assert.deepEqual(fieldNamesOf('basicAuth'), ['username', 'password']);
  assert.deepEqual(fieldNamesOf('custom', { a: '1', b: '2' }), ['a', 'b']);
  assert.equal(isSecretType('password'), false);
});

test('a reference field suggests a type for quick fixes', () => {
  assert.equal(guessTypeFromField('password'), 'basicAuth');
  assert.equal(guessTypeFromField('clientSecret'), 'oauth');
  assert.equal(guessTypeFromField('value'), 'apiKey');
  assert.equal(guessTypeFromField('signingKey'), 'custom');
});

test('the naming rule', () => {
  for (const good of ['stripe', '_x', 'A-b_9', 'a'.repeat(NAME_MAX_LENGTH)]) assert.ok(isValidName(good), good);
  for (const bad of ['', '9abc', 'has space', 'dot.name', 'ümlaut', 'a'.repeat(NAME_MAX_LENGTH + 1), '-x']) {
    assert.ok(!isValidName(bad), bad);
  }
  assert.match(nameProblem('has\nnewline') ?? '', /has\\nnewline/);
  assert.ok(sameNameIgnoringCase('Stripe', 'stripe'));
});
