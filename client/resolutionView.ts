import * as path from 'node:path';
import * as vscode from 'vscode';
import { renderResolutionReport, type ResolutionReport } from '../shared/resolutionReport';

export const REPORT_SCHEME = 'workflow-secrets-report';
export const REPORT_LANGUAGE = 'workflowSecretsReport';

/**
 * Resolution reports as read-only virtual documents (`workflow-secrets-report:` URIs): nothing is
 * written to disk, and the text comes from the report, which never holds a value.
 */
export class ResolutionView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly reports = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? 'This report is no longer available: run Workflow Secrets: Resolve Workflow again.\n';
  }

  /** Opens (or refreshes) the report of one workflow file; one document per workflow. */
  async show(workflow: vscode.Uri, report: ResolutionReport): Promise<vscode.TextEditor> {
    const fileName = vscode.workspace.asRelativePath(workflow);
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${path.basename(workflow.fsPath)}.resolution.txt`, query: workflow.toString() });
    this.reports.set(uri.toString(), `${renderResolutionReport(report, { fileName })}\nResolved ${new Date().toLocaleString()}. Values are never shown here; use Reveal Secret Value to see one.\n`);
    this.changed.fire(uri);
    // Its own language id so the report wraps long lines (configurationDefaults in package.json).
    const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), REPORT_LANGUAGE);
    return vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
