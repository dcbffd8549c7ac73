import { LineIndex } from '../shared/lineIndex';
import { checkWorkflow } from '../shared/workflowChecks';
import type { WorkflowDiagnostic } from '../shared/workflowChecks';
import type { Command } from './command';
import { ExitCode, err, json, out, plural } from './output';
import { catalogFor, locateVault } from './vaultAccess';
import { collectWorkflowFiles, displayPath, readWorkflow } from './workflowFiles';

interface FileReport {
  file: string;
  diagnostics: (Omit<WorkflowDiagnostic, 'range' | 'data'> & { line: number; column: number; endLine: number; endColumn: number })[];
}

export const checkCommand: Command = {
  name: 'check',
  usage: '[PATHS...] [--json]',
  summary: 'Check the secret references of workflow files (folders are searched for *.workflow.json/.yaml/.yml).',
  details: [
    'Prints file:line:column: severity code: message, with the same codes as the language server (unknown-secret, unknown-field, malformed-reference, ...).',
    'Secrets are checked against the vault\'s readable metadata (no key needed) and the names listed by providers in providers.json.',
    'Exit code 1 when any error is found. PATHS default to the current folder.',
  ],
  options: { json: { kind: 'boolean' } },
  async run(io, args) {
    const paths = args.positionals.length > 0 ? args.positionals : ['.'];
    const files = await collectWorkflowFiles(io.cwd, paths);
    const catalog = await catalogFor(io, locateVault(io, args));
    const reports: FileReport[] = [];
    for (const file of files) {
      const { parsed } = await readWorkflow(io.cwd, file);
      const lines = new LineIndex(parsed.text);
      const diagnostics = checkWorkflow(parsed, catalog).map(({ code, severity, message, range }) => {
        const start = lines.positionAt(range.start);
        const end = lines.positionAt(range.end);
        return { code, severity, message, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
      });
      reports.push({ file: displayPath(io.cwd, file), diagnostics });
    }
    const all = reports.flatMap((report) => report.diagnostics);
    const count = (severity: string) => all.filter((diagnostic) => diagnostic.severity === severity).length;
    const summary = { files: reports.length, errors: count('error'), warnings: count('warning'), information: count('information'), hints: count('hint') };
    if (args.flags.has('json')) {
      json(io, { catalog: { state: catalog.state, environment: catalog.environment, secrets: catalog.secrets.length }, files: reports, summary });
    } else {
      for (const report of reports) {
        for (const d of report.diagnostics) out(io, `${report.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
      }
      if (reports.length === 0) err(io, `No workflow files found in ${paths.join(', ')} (looked for *.workflow.json, *.workflow.yaml, *.workflow.yml).`);
      else err(io, `Checked ${plural(reports.length, 'file')}: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}.`);
    }
    return summary.errors > 0 ? ExitCode.problems : ExitCode.ok;
  },
};
