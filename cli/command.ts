import type { OptionSpecs, ParsedArgs } from './args';
import type { ExitCodeValue, Io } from './output';

/** One command of the command line: its words, options, help text and body. */
export interface Command {
  /** e.g. `secret add`. */
  name: string;
  /** Arguments after the name, e.g. `NAME --type TYPE [--description D] [--tag T]...`. */
  usage: string;
  summary: string;
  /** Extra help: details and examples, one line each. */
  details?: string[];
  options: OptionSpecs;
  /** Appended to "has no option --x" messages. */
  unknownOptionHint?: string;
  run(io: Io, args: ParsedArgs): Promise<ExitCodeValue>;
}
