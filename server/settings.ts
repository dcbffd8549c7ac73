import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, settingsSchema, type WorkflowSecretsSettings } from '../shared/settings';

export const SETTINGS_SECTION = 'workflowSecrets';

/**
 * The `workflowSecrets.*` settings, pulled with workspace/configuration when the client supports
 * it (else taken from initializationOptions.settings). A bad value falls back to its default with
 * a log line instead of failing the whole section.
 */
export class SettingsStore {
  private settings: WorkflowSecretsSettings = DEFAULT_SETTINGS;
  private raw: Record<string, unknown> = {};

  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
    private readonly fromInitialization: unknown,
    private readonly log: (message: string) => void,
  ) {}

  get current(): WorkflowSecretsSettings {
    return this.settings;
  }

  /** The environment only when someone set it: the default must not hide WORKFLOW_SECRETS_ENV. */
  get explicitEnvironment(): string | undefined {
    const value = this.raw.environment;
    return typeof value === 'string' && value.trim() ? value : undefined;
  }

  /**
   * Pulls the settings again (or takes those a client pushed with didChangeConfiguration, for
   * clients that cannot be asked); says whether anything changed.
   */
  async refresh(pushed?: unknown): Promise<boolean> {
    let raw: unknown = pushed ?? this.fromInitialization;
    if (this.canPull) {
      try {
        raw = (await this.connection.workspace.getConfiguration({ section: SETTINGS_SECTION })) ?? this.fromInitialization;
      } catch (error) {
        this.log(`Could not read the ${SETTINGS_SECTION} settings: ${(error as Error).message}`);
      }
    }
    const next = parseSettings(raw, this.log);
    const changed = JSON.stringify(next) !== JSON.stringify(this.settings);
    this.settings = next;
    this.raw = isRecord(raw) ? raw : {};
    return changed;
  }
}

/** Parses each setting on its own so one bad value does not discard the others. */
export function parseSettings(raw: unknown, log: (message: string) => void = () => {}): WorkflowSecretsSettings {
  if (!isRecord(raw)) return DEFAULT_SETTINGS;
  const whole = settingsSchema.safeParse(raw);
  if (whole.success) return whole.data;
  const result: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(settingsSchema.shape) as (keyof WorkflowSecretsSettings)[]) {
    if (raw[key] === undefined || raw[key] === null) continue;
    const one = settingsSchema.shape[key].safeParse(raw[key]);
    if (one.success) result[key] = one.data;
    else log(`Ignoring the setting ${SETTINGS_SECTION}.${key}: ${one.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return result as WorkflowSecretsSettings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
