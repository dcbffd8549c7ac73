import * as path from 'node:path';
import type { CodeServer } from './codeServer';
import { extensionLog } from './extensionLog';
import { RESULTS } from './paths';
import type { Workbench } from './workbench';

export interface StepRunner {
  /** Runs one step; after a failure, later steps fail at once instead of waiting out their timeouts. */
  step(name: string, body: () => Promise<void>): Promise<void>;
  /** The step that failed, if any (the caller keeps the temp folder for inspection then). */
  readonly failedStep: string | undefined;
}

/**
 * Steps of an e2e suite whose failure message carries what a person would need: a screenshot in
 * test-results/, what is on screen, the extension's Output log and code-server's log.
 */
export function createStepRunner(prefix: string, parts: { bench: () => Workbench | undefined; server: () => CodeServer | undefined }): StepRunner {
  let failedStep: string | undefined;
  return {
    get failedStep() {
      return failedStep;
    },
    async step(name, body) {
      if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
      try {
        await body();
      } catch (error) {
        failedStep = name;
        const bench = parts.bench();
        const server = parts.server();
        const shot = await bench?.screenshot(path.join(RESULTS, `${prefix}-${name.replace(/\W+/g, '-')}.png`)).catch(() => undefined);
        const screen = await bench?.describeScreen().catch(() => '(page unavailable)');
        const log = server ? await extensionLog(server.userDataDir).catch(() => '(no extension log found)') : '(no server)';
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(
          `${name} failed: ${message}\n--- on screen ---\n${screen}\n--- screenshot ---\n${shot ?? '(none)'}\n--- Workflow Secrets output ---\n${log}\n--- code-server (last 2000 chars) ---\n${server?.log().slice(-2000)}`,
          { cause: error },
        );
      }
    },
  };
}
