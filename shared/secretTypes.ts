import { z } from 'zod';
import { NAME_RULE_TEXT, nameProblem } from './secretNames';

export const SECRET_TYPES = ['apiKey', 'basicAuth', 'bearerToken', 'oauth', 'custom'] as const;
export type SecretType = (typeof SECRET_TYPES)[number];

export function isSecretType(value: unknown): value is SecretType {
  return typeof value === 'string' && (SECRET_TYPES as readonly string[]).includes(value);
}

export interface FieldSpec {
  name: string;
  required: boolean;
  /** Shown masked when typed in and never printed (false only for non-secret parts like a username or URL). */
  sensitive: boolean;
  kind: 'string' | 'dateTime' | 'url' | 'stringList';
  description: string;
}

export interface SecretTypeSpec {
  type: SecretType;
  label: string;
  description: string;
  /** Empty for `custom`, whose fields are the user's own. */
  fields: FieldSpec[];
}

const text = (name: string, required: boolean, sensitive: boolean, description: string): FieldSpec => ({
  name,
  required,
  sensitive,
  kind: 'string',
  description,
});

export const SECRET_TYPE_SPECS: Record<SecretType, SecretTypeSpec> = {
  apiKey: {
    type: 'apiKey',
    label: 'API Key',
    description: 'A single API key.',
    fields: [text('value', true, true, 'The API key.')],
  },
  basicAuth: {
    type: 'basicAuth',
    label: 'Basic Auth',
    description: 'A username and password pair.',
    fields: [text('username', true, false, 'The user name.'), text('password', true, true, 'The password.')],
  },
  bearerToken: {
    type: 'bearerToken',
    label: 'Bearer Token',
    description: 'A bearer token, optionally with an expiry.',
    fields: [
      text('token', true, true, 'The bearer token.'),
      { name: 'expiresAt', required: false, sensitive: false, kind: 'dateTime', description: 'When the token expires (ISO-8601 date-time, e.g. 2027-01-31T00:00:00Z).' },
    ],
  },
  oauth: {
    type: 'oauth',
    label: 'OAuth Client',
    description: 'OAuth client credentials and optional tokens.',
    fields: [
      text('clientId', true, false, 'The OAuth client id.'),
      text('clientSecret', true, true, 'The OAuth client secret.'),
      text('accessToken', false, true, 'A current access token.'),
      text('refreshToken', false, true, 'A refresh token.'),
      { name: 'tokenUrl', required: false, sensitive: false, kind: 'url', description: 'The token endpoint (http or https URL).' },
      { name: 'scopes', required: false, sensitive: false, kind: 'stringList', description: 'Scopes granted (a list; a reference yields them joined by single spaces, as in OAuth).' },
    ],
  },
  custom: {
    type: 'custom',
    label: 'Custom',
    description: 'Any named string fields you choose (at least one).',
    fields: [],
  },
};

const present = (field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `"${field}" is required` : `"${field}" must be a string`) })
    .refine((value) => value.trim().length > 0, { message: `"${field}" must not be empty or only spaces` });

const optionalText = (field: string) => z.string({ error: `"${field}" must be a string` }).optional();

const isoDateTime = z
  .string({ error: '"expiresAt" must be a string' })
  .refine((value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: '"expiresAt" must be an ISO-8601 date-time such as 2027-01-31T00:00:00Z',
  });

const httpUrl = z.string({ error: '"tokenUrl" must be a string' }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: '"tokenUrl" must be an http or https URL' },
);

const strictObject = <T extends z.ZodRawShape>(type: SecretType, shape: T) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')} for type ${type}; allowed: ${Object.keys(shape).join(', ')}`
        : 'the secret data must be an object of fields',
  });

export const apiKeySchema = strictObject('apiKey', { value: present('value') });
export const basicAuthSchema = strictObject('basicAuth', { username: present('username'), password: present('password') });
export const bearerTokenSchema = strictObject('bearerToken', { token: present('token'), expiresAt: isoDateTime.optional() });
export const oauthSchema = strictObject('oauth', {
  clientId: present('clientId'),
  clientSecret: present('clientSecret'),
  accessToken: optionalText('accessToken'),
  refreshToken: optionalText('refreshToken'),
  tokenUrl: httpUrl.optional(),
  scopes: z.array(z.string({ error: 'each scope must be a string' }), { error: '"scopes" must be a list of strings' }).optional(),
});
export const customSchema = z
  .record(z.string(), z.string({ error: 'every custom field value must be a string' }), { error: 'the secret data must be an object of fields' })
  .superRefine((record, context) => {
    const keys = Object.keys(record);
    if (keys.length === 0) context.addIssue({ code: 'custom', message: 'a custom secret needs at least one field' });
    for (const key of keys) {
      const problem = nameProblem(key, 'field name');
      if (problem) context.addIssue({ code: 'custom', message: problem, path: [key] });
    }
  });

export type ApiKeyData = z.infer<typeof apiKeySchema>;
export type BasicAuthData = z.infer<typeof basicAuthSchema>;
export type BearerTokenData = z.infer<typeof bearerTokenSchema>;
export type OAuthData = z.infer<typeof oauthSchema>;
export type CustomData = Record<string, string>;

export interface SecretDataByType {
  apiKey: ApiKeyData;
  basicAuth: BasicAuthData;
  bearerToken: BearerTokenData;
  oauth: OAuthData;
  custom: CustomData;
}
/** A secret's data in its type's own shape (scopes stay a list). */
export type SecretData = SecretDataByType[SecretType];

const schemas: Record<SecretType, z.ZodType> = {
  apiKey: apiKeySchema,
  basicAuth: basicAuthSchema,
  bearerToken: bearerTokenSchema,
  oauth: oauthSchema,
  custom: customSchema,
};

export type ValidationResult<T> = { ok: true; data: T } | { ok: false; problems: string[] };

/** Validates data for a type. Messages name fields, never values. */
export function validateSecretData<T extends SecretType>(type: T, data: unknown): ValidationResult<SecretDataByType[T]> {
  const schema = schemas[type];
  if (!schema) return { ok: false, problems: [`unknown secret type "${String(type)}"; use one of ${SECRET_TYPES.join(', ')}`] };
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, data: dropUndefined(parsed.data) as SecretDataByType[T] };
  return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
}

function dropUndefined(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

/** The field names a secret of this type offers, required first; for custom, its own keys. */
export function fieldNamesOf(type: SecretType, data?: SecretData): string[] {
  if (type === 'custom') return data ? Object.keys(data) : [];
  return SECRET_TYPE_SPECS[type].fields.map((field) => field.name);
}

/** Field names present in this data (what a reference may use). */
export function presentFieldNames(data: SecretData): string[] {
  return Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

/**
 * What `{{secrets.NAME.FIELD}}` becomes: strings as they are; a list (oauth `scopes`) joined by
 * single spaces, the form OAuth uses for scope parameters. Undefined when the field is absent.
 */
export function fieldAsString(data: SecretData, field: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(data, field)) return undefined;
  const value = (data as Record<string, unknown>)[field];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join(' ');
  return undefined;
}

/** Field spec for a typed secret's field, or a generic sensitive spec for custom fields. */
export function fieldSpecOf(type: SecretType, field: string): FieldSpec {
  const known = SECRET_TYPE_SPECS[type].fields.find((spec) => spec.name === field);
  return known ?? { name: field, required: false, sensitive: true, kind: 'string', description: 'A custom field.' };
}

/** The type a reference's field suggests, for "Create secret NAME" quick fixes. */
export function guessTypeFromField(field: string): SecretType {
  for (const type of SECRET_TYPES) {
    if (type !== 'custom' && SECRET_TYPE_SPECS[type].fields.some((spec) => spec.name === field)) return type;
  }
  return 'custom';
}

export { NAME_RULE_TEXT };
