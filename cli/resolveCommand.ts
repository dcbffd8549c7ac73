import { isWorkflowSecretsError, WorkflowSecretsError } from '../shared/errors';
import { createSecretLookup } from '../shared/providers/secretLookupChain';
import { renderResolutionReport, reportSucceeded, resolutionReportToJson } from '../shared/resolutionReport';
import { resolveWorkflow } from '../shared/workflowResolver';
import { expectPositionals } from './args';
import type { Command } from './command';
import { ExitCode } from './output';
import { loadProviders, locateVault, openVaultForLookup } from './vaultAccess';
import { displayPath, readWorkflow } from './workflowFiles';

export const resolveCommand: Command = {
  name: 'resolve',
  usage: 'FILE [--json]',
  summary: 'Resolve every reference of each node, as a run would, and report per node where each came from. Never prints values.',
  details: [
    'Nodes are taken in order; each secret is fetched and decrypted once for the whole run. A node with a missing secret, a missing field, an unavailable provider or a malformed reference is blocked.',
    'Providers in providers.json (beside the vault) are asked first, then the local vault. Needs WORKFLOW_SECRETS_KEY.',
    'Exit code 1 when any node is blocked.',
  ],
  options: { json: { kind: 'boolean' } },
  async run(io, args) {
    const [file] = expectPositionals(args, ['FILE'], { command: 'resolve' }) as [string];
    const { absolute, parsed } = await readWorkflow(io.cwd, file);
    const location = locateVault(io, args);
    const providers = await loadProviders(io, location);
    try {
      const vault = await openVaultForLookup(io, location, providers);
      const lookup = createSecretLookup({ providers, vault, vaultLabel: location.environment });
      const shown = displayPath(io.cwd, absolute);
      let report;
      try {
        report = await resolveWorkflow(parsed, { lookup });
      } catch (error) {
        if (isWorkflowSecretsError(error)) throw new WorkflowSecretsError(error.code, `${shown}: ${error.message}`, error.hint);
        throw error;
      }
      io.stdout.write(args.flags.has('json') ? resolutionReportToJson(report, shown) : renderResolutionReport(report, { fileName: shown }));
      return reportSucceeded(report) ? ExitCode.ok : ExitCode.problems;
    } finally {
      for (const provider of providers) provider.dispose();
    }
  },
};
