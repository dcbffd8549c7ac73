import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { catalogFromMetadata } from '../shared/catalogFromVault';
import { isWorkflowSecretsError, WorkflowSecretsError } from '../shared/errors';
import { sanitizeWorkflowForExport } from '../shared/exportSanitizer';
import type { KnownSecret } from '../shared/exportSanitizer';
import { createSecretLookup } from '../shared/providers/secretLookupChain';
import { workflowFormatOf } from '../shared/workflowGlobs';
import { existsError, writeFileAtomic } from './atomicWrite';
import { expectPositionals, usageError } from './args';
import type { Command } from './command';
import { ExitCode, err, out, plural } from './output';
import { loadProviders, locateVault, openVaultForLookup } from './vaultAccess';
import { displayPath, readWorkflow } from './workflowFiles';

export const exportCommand: Command = {
  name: 'export',
  usage: 'FILE -o OUT [--force]',
  summary: 'Write a copy of a workflow that is safe to share: values become references, plus a manifest of the secrets it needs.',
  details: [
    'Any string equal to or containing a value from the vault (or from a provider, for the secrets the workflow references) becomes {{secrets.NAME.FIELD}}.',
    'The result is then scanned for every value (plain, JSON-escaped, URL-encoded, base64, base64url); if one remains (in a key, a comment, a number) nothing is written and the exit code is 1.',
    'OUT must have the same format as FILE and must not exist unless --force is given. Needs WORKFLOW_SECRETS_KEY.',
  ],
  options: { output: { kind: 'string', short: 'o' }, force: { kind: 'boolean' } },
  async run(io, args) {
    const [file] = expectPositionals(args, ['FILE'], { command: 'export' }) as [string];
    const output = args.strings.get('output');
    if (output === undefined) throw usageError('`export` needs -o OUT, the file to write.', 'Example: workflow-secrets export pay.workflow.json -o shared/pay.workflow.json');
    const { absolute, parsed } = await readWorkflow(io.cwd, file);
    const target = path.resolve(io.cwd, output);
    if (workflowFormatOf(output) !== parsed.format) {
      throw usageError(`${output} must be a ${parsed.format.toUpperCase()} file like ${file}.`, `Give an output name ending in ${parsed.format === 'json' ? '.json' : '.yaml or .yml'}.`);
    }
    if (target === absolute && !args.flags.has('force')) throw usageError(`${output} is the input file.`, 'Choose another output file, or pass --force to replace the input with its sanitized copy.');
    if (!args.flags.has('force') && existsSync(target)) throw existsError(output);

    const location = locateVault(io, args);
    const providers = await loadProviders(io, location);
    const known: KnownSecret[] = [];
    let catalog = catalogFromMetadata([], location.environment);
    try {
      const vault = await openVaultForLookup(io, location, providers);
      if (vault) {
        for (const metadata of vault.list()) {
          const secret = vault.get(metadata.name);
          if (secret) known.push({ name: secret.name, type: secret.type, data: secret.data });
        }
        catalog = catalogFromMetadata(vault.list(), location.environment);
      }
      if (providers.length > 0) {
        // Provider values of the referenced secrets may have been pasted into the file too.
        const lookup = createSecretLookup({ providers, vaultLabel: location.environment });
        for (const name of new Set(parsed.references.map((ref) => ref.name))) {
          const result = await lookup.lookup(name);
          if (result.status === 'found') known.push({ name, type: result.type, data: result.data });
          else if (result.status === 'unavailable') err(io, `warning: provider "${result.provider}" is unavailable (${result.reason}); its value of "${name}" was not checked for.`);
        }
      }
    } finally {
      for (const provider of providers) provider.dispose();
    }

    let result;
    try {
      result = sanitizeWorkflowForExport(parsed, known, catalog);
    } catch (error) {
      if (isWorkflowSecretsError(error)) throw new WorkflowSecretsError(error.code, `${displayPath(io.cwd, absolute)}: ${error.message}`, error.hint);
      throw error;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(target, result.text, { overwrite: args.flags.has('force'), shownAs: output });
    const needed = result.manifest.secrets.map((secret) => secret.name);
    out(io, `Exported ${displayPath(io.cwd, absolute)} to ${displayPath(io.cwd, target)}: ${plural(result.replaced, 'value')} replaced by ${result.replaced === 1 ? 'a reference' : 'references'}; needs ${plural(needed.length, 'secret')}${needed.length ? ` (${needed.join(', ')})` : ''}, listed under "requiredSecrets".`);
    return ExitCode.ok;
  },
};
