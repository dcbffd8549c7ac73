import packageJson from '../package.json';
import { parseArgs, usageError } from './args';
import { checkCommand } from './checkCommand';
import type { Command } from './command';
import { exportCommand } from './exportCommand';
import { commandHelp, generalHelp, groupHelp } from './help';
import { KEY_COMMANDS } from './keyCommands';
import { ExitCode, err, out, reportError } from './output';
import type { ExitCodeValue, Io } from './output';
import { resolveCommand } from './resolveCommand';
import { SECRET_COMMANDS } from './secretCommands';

/** The `workflow-secrets` command line: a thin layer over shared/ (see the README section "Command line"). */
export const COMMANDS: Command[] = [...SECRET_COMMANDS, ...KEY_COMMANDS, checkCommand, resolveCommand, exportCommand];
const GROUPS = new Set(COMMANDS.filter((command) => command.name.includes(' ')).map((command) => command.name.split(' ')[0] as string));
const VERSION = packageJson.version;

/** Global options given before the command word (`--vault X secret list`) move after it. */
function splitCommand(argv: readonly string[]): { leading: string[]; words: string[]; index: number } {
  const leading: string[] = [];
  let index = 0;
  while (index < argv.length && (argv[index] as string).startsWith('-') && argv[index] !== '--') {
    const arg = argv[index] as string;
    leading.push(arg);
    index += 1;
    if ((arg === '--vault' || arg === '--env') && index < argv.length) {
      leading.push(argv[index] as string);
      index += 1;
    }
  }
  return { leading, words: argv.slice(index, index + 2), index };
}

export async function main(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  try {
    const { leading, words, index } = splitCommand(argv);
    const rest = [...leading, ...argv.slice(index)];
    const [first, second] = words;
    if (first === undefined || first === 'help') {
      const target = first === 'help' ? COMMANDS.find((command) => command.name === argv.slice(1).join(' ')) : undefined;
      const wantsHelp = first === 'help' || rest.includes('--help') || rest.includes('-h');
      const wantsVersion = rest.includes('--version') || rest.includes('-V');
      if (wantsVersion && !wantsHelp) {
        out(io, VERSION);
        return ExitCode.ok;
      }
      const text = target ? commandHelp(target) : generalHelp(COMMANDS, VERSION);
      if (wantsHelp) {
        out(io, text);
        return ExitCode.ok;
      }
      err(io, text);
      return ExitCode.usage;
    }
    const command = COMMANDS.find((candidate) => candidate.name === `${first} ${second}`) ?? COMMANDS.find((candidate) => candidate.name === first);
    if (!command) {
      if (GROUPS.has(first)) {
        const members = COMMANDS.filter((candidate) => candidate.name.startsWith(`${first} `));
        if (second === undefined || second === '--help' || second === '-h') {
          (second ? out : err)(io, groupHelp(first, members));
          return second ? ExitCode.ok : ExitCode.usage;
        }
        throw usageError(`\`${first}\` has no command "${second}".`, `Use one of: ${members.map((member) => member.name).join(', ')}.`);
      }
      throw usageError(`Unknown command "${first}".`, 'Run `workflow-secrets --help` for the list of commands.');
    }
    const afterCommand = [...leading, ...argv.slice(index + command.name.split(' ').length)];
    const args = parseArgs(afterCommand, command.options, { command: command.name, unknownOptionHint: command.unknownOptionHint });
    if (args.flags.has('help')) {
      out(io, commandHelp(command));
      return ExitCode.ok;
    }
    if (args.flags.has('version')) {
      out(io, VERSION);
      return ExitCode.ok;
    }
    return await command.run(io, args);
  } catch (error) {
    return reportError(io, error);
  }
}

if (require.main === module) {
  // A closed pipe (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
