import * as path from 'node:path';
import * as vscode from 'vscode';
import { reportSucceeded } from '../../shared/resolutionReport';
import { resolveWorkflow as resolve } from '../../shared/workflowResolver';
import type { CommandContext } from './commandContext';
import { chooseWorkflow } from './workflowTarget';

/**
 * Resolve Workflow: every node's references are resolved (one cache per run, so each secret is
 * fetched and decrypted once) as if the workflow ran; the report, which never holds a value, opens
 * as a read-only document.
 */
export async function resolveWorkflow(context: CommandContext, arg?: unknown): Promise<void> {
  const target = await chooseWorkflow(context, arg, 'resolve');
  if (!target) return;
  const vault = await context.session.requireVault();
  const fileName = path.basename(target.uri.fsPath);
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Resolving ${fileName}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const lookup = context.providers.lookup(vault, `local vault "${context.session.environment}"`);
      let last = 0;
      return resolve(target.parsed, {
        lookup,
        signal: controller.signal,
        onProgress: (done, total) => {
          const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
          progress.report({ increment: percent - last, message: `${done} of ${total} nodes` });
          last = percent;
        },
      });
    },
  );
  const { executed, blocked } = { executed: report.nodes.filter((node) => node.status === 'executed').length, blocked: report.nodes.filter((node) => node.status === 'blocked').length };
  context.log.info(`Resolved ${fileName}: ${executed} node(s) ready, ${blocked} blocked, ${report.lookups} secret lookup(s)${report.cancelled ? ' (cancelled)' : ''}.`);
  await context.reports.show(target.uri, report);
  if (!reportSucceeded(report) && !report.cancelled) {
    void vscode.window.showWarningMessage(`${fileName}: ${blocked} node(s) blocked by unresolved references. See the report.`, 'Show Problems').then((choice) => {
      if (choice) return vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }
}
