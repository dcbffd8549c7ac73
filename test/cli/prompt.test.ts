import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { assertExit, CLI_PATH, makeSandbox } from './cliHarness';
import type { Sandbox } from './cliHarness';

/**
 * The masked prompts need a terminal: util-linux `script` runs the command line on a
 * pseudo-terminal and relays our pipe to it. Answers are sent when their prompt appears.
 */
function runOnTerminal(sandbox: Sandbox, args: string[], answers: [RegExp, string][]): Promise<{ code: number | null; output: string }> {
  const command = ['node', CLI_PATH, ...args].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', ...sandbox.env }, cwd: sandbox.dir });
    let output = '';
    let next = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no prompt matched ${answers[next]?.[0]} within 20 s; output so far:\n${output}`));
    }, 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      while (next < answers.length && (answers[next] as [RegExp, string])[0].test(output)) {
        child.stdin.write((answers[next] as [RegExp, string])[1]);
        // Later prompts are matched in the output that follows this answer.
        output += '\u0000';
        next += 1;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Matches a prompt only after the last answer given (answers leave a \0 marker in the output). */
const after0 = (text: string) => new RegExp(`\\u0000[^\\u0000]*${text}[^\\u0000]*$`);

describe('masked prompts on a terminal', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
  });
  after(() => sandbox.cleanup());

  it('asks required fields first, masks secret parts, skips optional ones on Enter', async () => {
    const secret = 'tty-CANARY-secret-81';
    const { code, output } = await runOnTerminal(sandbox, ['secret', 'add', 'google', '--type', 'oauth'], [
      [/clientId \(/, 'client-1\r'],
      [after0('clientSecret \\('), `${secret}x\u007f\r`],
      [after0('accessToken'), '\r'],
      [after0('refreshToken'), '\r'],
      [after0('tokenUrl'), '\r'],
      [after0('scopes'), 'email, profile\r'],
    ]);
    assert.equal(code, 0, output);
    assert.ok(!output.includes(secret), 'the secret was echoed');
    // 21 stars for the 21 characters typed, then the backspace erasing one.
    const echoed = output.split('\r\n').find((line) => line.startsWith('clientSecret ('));
    assert.equal(echoed?.slice(echoed.indexOf('): ') + 3), `\u0000${'*'.repeat(21)}\b \b`);
    assert.match(output, /Added OAuth Client secret "google" with 3 fields \(clientId, clientSecret, scopes\)/);
    const stored = await sandbox.run(['secret', 'get', 'google', '--json', '--reveal']);
    assert.deepEqual(JSON.parse(stored.stdout).data, { clientId: 'client-1', clientSecret: secret, scopes: ['email', 'profile'] });
  });

  it('cancels on Ctrl-C at a masked prompt without adding anything', async () => {
    const { code, output } = await runOnTerminal(sandbox, ['secret', 'add', 'stripe', '--type', 'apiKey'], [[/value \(/, 'half-typed\u0003']]);
    assert.equal(code, 2, output);
    assert.match(output, /Cancelled at the prompt/);
    assert.ok(!output.includes('half-typed'));
    assertExit(await sandbox.run(['secret', 'get', 'stripe']), 1);
  });
});
