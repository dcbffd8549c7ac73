// `npm run demo`: a tour of the real command line (dist/cli.js, run as child processes) on a
// throwaway vault in a temp folder with a generated key. Nothing outside that folder is touched.
// `npm run demo -- --keep` keeps the folder to look around afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const examples = join(root, 'examples');
const keep = process.argv.includes('--keep');

if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run `node esbuild.mjs` first (`npm run demo` does).');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'workflow-secrets-demo-'));
const vaultDir = join(work, 'vault');
// Only what the command line needs: no WORKFLOW_SECRETS_* or provider settings of your own leak in.
const baseEnv = { PATH: process.env.PATH ?? '', HOME: work, WORKFLOW_SECRETS_VAULT: `${vaultDir}/` };
let env = baseEnv;
const summary = [];

function heading(text) {
  console.log(`\n\x1b[1m== ${text}\x1b[0m`);
}

/** Runs the CLI, echoes the command and its output (indented), and checks the exit code. */
function run(args, { input, expect = 0, quiet = false } = {}) {
  const shown = args.map((arg) => (/[\s"']/.test(arg) ? `'${arg}'` : arg)).join(' ');
  console.log(`$ workflow-secrets ${shown}${input === undefined ? '' : '   (fields as JSON on stdin)'}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, env, input: input ?? '', encoding: 'utf8' });
  const show = (text) => text.trimEnd() && console.log(text.trimEnd().replace(/^/gm, '    '));
  if (!quiet) show(result.stdout);
  show(result.stderr);
  if (result.status !== expect) throw new Error(`expected exit code ${expect} from \`workflow-secrets ${args[0]}\`, got ${result.status}`);
  return result;
}

try {
  heading('1. A throwaway vault and a generated master key');
  const key = run(['key', 'generate'], { quiet: true }).stdout.trim();
  env = { ...baseEnv, WORKFLOW_SECRETS_KEY: key };
  console.log(`Vault folder: ${vaultDir}  (WORKFLOW_SECRETS_VAULT)`);
  console.log(`Master key:   ${key.slice(0, 6)}… (WORKFLOW_SECRETS_KEY, set for these commands only)`);

  heading('2. One secret of each type, named as the examples/ workflows use them (demo values, not real ones)');
  const secrets = [
    ['stripe', 'apiKey', { value: 'sk_test_demo_4eC39HqLyjWDarjtT1zdp7dc' }, ['--description', 'Stripe test key', '--tag', 'payments']],
    ['smtp', 'basicAuth', { username: 'mailer@example.com', password: 'demo-smtp-password-1' }, ['--tag', 'mail']],
    ['github', 'bearerToken', { token: 'ghp_demoToken0123456789abcdef', expiresAt: '2099-12-31T00:00:00Z' }, []],
    ['google', 'oauth', { clientId: 'demo-client.apps.example.com', clientSecret: 'demo-google-client-secret', scopes: ['https://www.googleapis.com/auth/spreadsheets', 'https://www.googleapis.com/auth/calendar'] }, []],
    ['webhook', 'custom', { url: 'https://hooks.example.com/demo-endpoint', signingKey: 'whsec_demo_signing_key_42' }, ['--description', 'Outgoing webhook']],
  ];
  for (const [name, type, data, extra] of secrets) run(['secret', 'add', name, '--type', type, ...extra], { input: JSON.stringify(data) });
  summary.push(`added ${secrets.length} secrets (apiKey, basicAuth, bearerToken, oauth, custom) to ${join(vaultDir, 'default.vault.json')}`);

  heading('3. List them (metadata only) and look at one (values stay masked without --reveal)');
  run(['secret', 'list']);
  run(['secret', 'get', 'smtp']);

  heading('4. Check the example workflows (examples/broken.workflow.yaml has mistakes on purpose)');
  const check = run(['check', 'examples'], { expect: 1 });
  const errors = check.stdout.split('\n').filter((line) => / error /.test(line)).length;
  summary.push(`check found ${errors} errors, all in broken.workflow.yaml (exit code 1, as CI would see it)`);

  heading('5. Resolve a workflow as a run would: per node, each reference and where it came from');
  const resolved = run(['resolve', 'examples/payments.workflow.json']);
  const totals = /(\d+) nodes, (\d+) ready, (\d+) blocked.*?(\d+) secret lookups?/s.exec(resolved.stdout);
  summary.push(totals ? `resolve: ${totals[2]} of ${totals[1]} nodes ready, ${totals[3]} blocked, ${totals[4]} lookups (one per secret)` : 'resolve: done');

  heading('6. Export a workflow with a pasted key: the value becomes a reference, a manifest is added');
  const pasted = join(work, 'pasted.workflow.json');
  const payments = readFileSync(join(examples, 'payments.workflow.json'), 'utf8');
  writeFileSync(pasted, payments.replace('Bearer {{secrets.stripe.value}}', `Bearer ${secrets[0][2].value}`));
  console.log(`(${pasted} is payments.workflow.json with the Stripe key pasted in place of its reference)`);
  const exported = join(work, 'pasted.sanitized.workflow.json');
  run(['export', pasted, '-o', exported]);
  const text = readFileSync(exported, 'utf8');
  const leaked = secrets.some(([, , data]) => Object.values(data).some((value) => typeof value === 'string' && value.length >= 4 && text.includes(value)));
  console.log(`    ${text.split('\n').find((line) => line.includes('Authorization'))?.trim()}`);
  console.log(`    "requiredSecrets": ${JSON.stringify(JSON.parse(text).requiredSecrets.map((secret) => `${secret.name} (${secret.type})`))}`);
  summary.push(`export wrote ${exported}; demo values found in it: ${leaked ? 'YES (bug!)' : 'none'}`);
  if (leaked) process.exitCode = 1;

  heading('Summary');
  for (const line of summary) console.log(`- ${line}`);
  console.log(keep ? `- kept ${work} (delete it when done)` : `- removed ${work} (run \`npm run demo -- --keep\` to keep it)`);
  console.log('Next: the README section "Command line" lists every command; `node dist/cli.js --help` too.');
} catch (error) {
  console.error(`\nDemo stopped: ${error.message}.`);
  process.exitCode = 1;
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
