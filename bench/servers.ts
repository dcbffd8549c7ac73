// Starting the two language servers the benchmarks talk to: ours (dist/server.js) and the peer
// (yaml-language-server 1.x, no schema), each over stdio with settings answered by the bench.
import { join } from 'node:path';
import { CatalogNotification } from '../shared/lspProtocol';
import { DEFAULT_WORKFLOW_GLOBS } from '../shared/workflowTypes';
import type { BenchContext } from './context';
import { pathToUri, startServer, type LspSession } from './lsp';

/** yaml-language-server waits this long (a fixed setTimeout, not a setting) before validating. */
export const PEER_VALIDATION_DELAY_MS = 200;

function sectionOf(settings: Record<string, unknown>, section: string | undefined): unknown {
  if (!section) return settings;
  let value: unknown = settings;
  for (const part of section.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value ?? null;
}

export interface OursOptions {
  workspaceFolder?: string;
  /** Re-validation debounce; 0 when a scenario times open → diagnostics. */
  debounceMs?: number;
  /** Wait until a probe document is checked against the catalog (false: the workspace scenario times start-up). */
  waitReady?: boolean;
  /** Called once the program answers, just before `initialize` (timers start here; listeners attach here). */
  beforeInitialize?: (session: LspSession) => void;
}

export async function startOurs(ctx: BenchContext, options: OursOptions = {}): Promise<LspSession> {
  const home = ctx.dir('home');
  const settings = {
    workflowSecrets: {
      vaultPath: join(home, 'no-vault', 'bench.vault.json'),
      environment: 'bench',
      workflowGlobs: DEFAULT_WORKFLOW_GLOBS,
      diagnostics: { severity: {}, debounceMs: options.debounceMs ?? 200 },
      providers: [],
    },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), WORKFLOW_SECRETS_VAULT: settings.workflowSecrets.vaultPath };
  delete env.WORKFLOW_SECRETS_KEY;
  delete env.WORKFLOW_SECRETS_ENV;
  const session = await startServer(
    {
      args: [join(ctx.root, 'dist/server.js'), '--stdio'],
      cwd: ctx.root,
      env,
      settings: (section) => sectionOf(settings, section),
      workspaceFolder: options.workspaceFolder,
      // As the VS Code client: it sends the catalog, the server reads no vault.
      initializationOptions: { selfCatalog: false },
    },
    options.beforeInitialize,
  );
  await session.connection.sendNotification(CatalogNotification.type, ctx.catalog());
  if (options.waitReady !== false) await untilReady(ctx, session);
  return session;
}

/**
 * Opens a two-line workflow and waits for its unknown-secret diagnostic: proof that settings and
 * catalog are in and the validation worker runs, so no timing includes the server's start-up.
 */
let probes = 0;

export async function untilReady(ctx: BenchContext, session: LspSession): Promise<void> {
  const known = ctx.referencedSecrets()[0];
  const uri = pathToUri(join(ctx.dir('home'), `ready-${session.pid}-${probes++}.workflow.yaml`));
  const text = `name: ready\nnodes:\n  - id: a\n    type: t\n    config:\n      x: "{{secrets.${known?.name}.${Object.keys(known?.data ?? {})[0]}}} {{secrets.not_there.value}}"\n`;
  const ready = session.nextDiagnostics(uri, 60_000, (event) => event.params.diagnostics.some((diagnostic) => diagnostic.code === 'unknown-secret'));
  session.open(uri, 'yaml', text);
  const event = await ready;
  if (event.params.diagnostics.length !== 1) throw new Error(`the readiness probe expected 1 diagnostic, got ${event.params.diagnostics.length}`);
  session.close(uri);
}

export async function startPeer(ctx: BenchContext): Promise<LspSession> {
  const home = ctx.dir('home');
  const settings = {
    yaml: {
      validate: true,
      hover: false,
      completion: false,
      format: { enable: false },
      schemaStore: { enable: false },
      schemas: {},
      customTags: [],
    },
  };
  return startServer({
    args: [join(ctx.root, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
    cwd: ctx.root,
    env: { ...process.env, HOME: home },
    settings: (section) => sectionOf(settings, section),
  });
}
