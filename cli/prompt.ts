import { WorkflowSecretsError } from '../shared/errors';
import type { Io } from './output';

/** Largest stdin accepted (secret data or a key): far above any real secret, small enough to refuse a mistake. */
const MAX_STDIN_BYTES = 1024 * 1024;

export function stdinIsTerminal(io: Io): boolean {
  return io.stdin.isTTY === true;
}

/** All of stdin as UTF-8 text (for JSON data or a key piped in). */
export async function readStdin(io: Io, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) {
      throw new WorkflowSecretsError('usage', `The ${what} on stdin is larger than ${MAX_STDIN_BYTES} bytes.`, 'Pipe only the JSON object of fields (or the key) to the command.');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function cancelled(): WorkflowSecretsError {
  return new WorkflowSecretsError('usage', 'Cancelled at the prompt; nothing was changed.', 'Run the command again when ready.');
}

/**
 * Reads one line on the terminal. With `masked`, the terminal is put in raw mode and each typed
 * character is echoed as `*`, so the value is never shown; Ctrl-C or Ctrl-D cancel. The prompt
 * goes to stderr so stdout stays clean for the command's result.
 */
export function promptLine(io: Io, question: string, masked: boolean): Promise<string> {
  const stdin = io.stdin;
  return new Promise((resolve, reject) => {
    let answer = '';
    const raw = masked && typeof stdin.setRawMode === 'function';
    // Raw mode first, so nothing typed after the prompt appears is ever echoed or taken as a signal.
    if (raw) stdin.setRawMode?.(true);
    io.stderr.write(question);
    const finish = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      if (raw) stdin.setRawMode?.(false);
      stdin.pause();
      // A terminal in line mode echoed the Enter itself; in raw mode we end the line.
      if (raw) io.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onEnd = () => finish(cancelled());
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      if (!raw) {
        answer += text;
        const newline = answer.search(/\r?\n/);
        if (newline >= 0) {
          answer = answer.slice(0, newline);
          finish();
        }
        return;
      }
      for (const character of text) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003' || (character === '\u0004' && answer === '')) return finish(cancelled());
        if (character === '\u007f' || character === '\b') {
          if (answer.length > 0) {
            answer = [...answer].slice(0, -1).join('');
            io.stderr.write('\b \b');
          }
          continue;
        }
        if (character < ' ') continue;
        answer += character;
        io.stderr.write('*');
      }
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** Asks twice and insists the answers agree (for a new master key or passphrase). */
export async function promptConfirmed(io: Io, question: string, again: string): Promise<string> {
  const first = await promptLine(io, question, true);
  const second = await promptLine(io, again, true);
  if (first !== second) throw new WorkflowSecretsError('usage', 'The two entries differ; nothing was changed.', 'Run the command again and type the same text twice.');
  return first;
}
