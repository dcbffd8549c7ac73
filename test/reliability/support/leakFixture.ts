import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NewSecret } from '../../../shared/vault/vaultTypes';
import type { Canaries } from './leakScan';

/**
 * The leak test's secrets (every type, every field a canary) and workflows: one that only
 * references them, and one into which values were pasted as literals (what export must clean).
 */
export function canarySecrets(canaries: Canaries): NewSecret[] {
  return [
    { name: 'stripe', type: 'apiKey', data: { value: canaries.make('stripe') }, tags: ['pay'] },
    { name: 'db', type: 'basicAuth', data: { username: canaries.make('dbuser'), password: canaries.make('dbpass') } },
    { name: 'ci', type: 'bearerToken', data: { token: canaries.make('citoken'), expiresAt: '2031-01-01T00:00:00Z' } },
    {
      name: 'oauthApp',
      type: 'oauth',
      data: { clientId: canaries.make('clientid'), clientSecret: canaries.make('clientsecret'), accessToken: canaries.make('access'), refreshToken: canaries.make('refresh'), tokenUrl: 'https://auth.example.com/token', scopes: ['read', 'write'] },
    },
    { name: 'custom', type: 'custom', data: { host: canaries.make('host'), signing: canaries.make('signing') } },
  ];
}

export function referencingWorkflow(format: 'json' | 'yaml'): string {
  const nodes = [
    { id: 'charge', type: 'http', config: { url: 'https://api.example.com/{{secrets.stripe.value}}', auth: 'Basic {{secrets.db.username}}:{{ secrets.db.password }}' } },
    { id: 'deploy', type: 'http', config: { headers: { Authorization: 'Bearer {{secrets.ci.token}}' }, oauth: ['{{secrets.oauthApp.clientSecret}}', '{{secrets.oauthApp.scopes}}'] } },
    { id: 'sign', type: 'shell', config: { cmd: 'sign --key {{secrets.custom.signing}} --host {{secrets.custom.host}}' } },
    { id: 'remote', type: 'http', config: { token: '{{secrets.remote.value}}' } },
    { id: 'broken', type: 'http', config: { a: '{{secrets.missing.value}}', b: '{{secrets.stripe.nope}}', c: '{{secrets.stripe}}' } },
  ];
  if (format === 'json') return `${JSON.stringify({ name: 'leaks', nodes }, null, 2)}\n`;
  return [
    'name: leaks',
    'nodes:',
    ...nodes.flatMap((node) => [`  - id: ${node.id}`, `    type: ${node.type}`, `    config: ${JSON.stringify(node.config)}`]),
    '',
  ].join('\n');
}

/** A workflow with values pasted in: plain, inside a URL, and in a YAML block scalar. */
export function pastedWorkflow(format: 'json' | 'yaml', values: { stripe: string; dbpass: string; signing: string }): string {
  const config = { url: `https://api.example.com/charge?key=${values.stripe}`, password: values.dbpass, script: `sign --key ${values.signing}\nexit 0` };
  if (format === 'json') return `${JSON.stringify({ name: 'pasted', nodes: [{ id: 'n1', type: 'http', config }] }, null, 2)}\n`;
  return `name: pasted\nnodes:\n  - id: n1\n    type: http\n    config:\n      url: "${config.url}"\n      password: ${config.password}\n      script: |\n        sign --key ${values.signing}\n        exit 0\n`;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = join(dir, name);
    await writeFile(paths[name], text);
  }
  return paths;
}
