import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LspTestClient } from '../test/helpers/lspClient';
import { parseWorkflow } from '../shared/workflowParser';
(async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'ws1k-'));
  for (let i = 0; i < 1000; i++) {
    let y = `name: w${i}\nnodes:\n`;
    for (let n = 0; n < 10; n++) y += `  - id: n${n}\n    type: http\n    config:\n      url: https://x/${n}\n      auth: "Bearer {{secrets.s${(i + n) % 50}.token}}"\n`;
    writeFileSync(path.join(ws, `f${i}.workflow.yaml`), y);
  }
  let s = performance.now();
  for (const f of readdirSync(ws)) parseWorkflow(readFileSync(path.join(ws, f), 'utf8'), 'yaml');
  console.log('bare parse', performance.now() - s);
  s = performance.now();
  const client = await LspTestClient.start({ workspace: ws, initializationOptions: { selfCatalog: false }, timeoutMs: 120000 });
  await client.sendCatalog({ state: 'ready', environment: 'default', secrets: Array.from({ length: 50 }, (_, i) => ({ name: `s${i}`, type: 'custom', description: '', tags: [], fields: ['token'], source: { kind: 'local' } })) });
  await client.waitForUsage(() => true);
  console.log('server all published', performance.now() - s, client.diagnostics.size); console.log(client.logs.filter((l) => l.startsWith('T ')).join('\n'));
  await client.shutdown();
})();
