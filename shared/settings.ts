import { z } from 'zod';
import { DEFAULT_WORKFLOW_GLOBS } from './workflowTypes';

/**
 * The one source of truth for settings: `contributes.configuration` in package.json mirrors this
 * schema and a unit test asserts they agree.
 */
export const DIAGNOSTIC_CODES = [
  'malformed-reference',
  'unknown-secret',
  'unknown-field',
  'reference-outside-config',
  'expired-secret',
  'syntax',
  'structure',
  'unverified-references',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type SeveritySetting = (typeof SEVERITIES)[number];

export const providerSettingSchema = z.object({
  name: z.string().min(1),
  kind: z.literal('hashicorpVault'),
  address: z.string().url(),
  mount: z.string().default('secret'),
  pathPrefix: z.string().default(''),
  kvVersion: z.enum(['auto', '1', '2']).default('auto'),
  namespace: z.string().optional(),
  auth: z.enum(['token', 'approle']).default('token'),
  /** AppRole role id (not secret); the secret id comes from the environment or SecretStorage. */
  roleId: z.string().optional(),
  caFile: z.string().optional(),
  tlsSkipVerify: z.boolean().default(false),
  timeoutSeconds: z.number().positive().max(120).default(5),
  listCacheSeconds: z.number().nonnegative().default(300),
});
export type ProviderSetting = z.infer<typeof providerSettingSchema>;

export const settingsSchema = z.object({
  /** Vault file path; empty means the default location for the environment. */
  vaultPath: z.string().default(''),
  environment: z.string().default('default'),
  workflowGlobs: z.array(z.string()).default(DEFAULT_WORKFLOW_GLOBS),
  diagnostics: z
    .object({
      severity: z.partialRecord(z.enum(DIAGNOSTIC_CODES), z.enum(SEVERITIES)).default({}),
      debounceMs: z.number().int().nonnegative().default(200),
    })
    .default({ severity: {}, debounceMs: 200 }),
  providers: z.array(providerSettingSchema).default([]),
});
export type WorkflowSecretsSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: WorkflowSecretsSettings = settingsSchema.parse({});
