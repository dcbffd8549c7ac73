// Writes the README's Performance section (README.md) from a full run: the table
// and the machine go between markers, so the hand-written explanations around them stay.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Machine } from './machine';
import { formatMarkdownTable, type Row } from './report';

export interface Results {
  mode: string;
  date: string;
  durationSeconds: number;
  machine: Machine & { loadAverageBefore: number; loadAverageAfter: number };
  runs: number;
  warmup: number;
  rows: Row[];
}

const START = '<!-- bench:results:start (written by npm run bench) -->';
const END = '<!-- bench:results:end -->';

const SKELETON = `## Performance

\`npm run bench\` measures the engine, the language server and the vault against baselines run in
the same process and the same run (medians of at least 5 runs after a warm-up), because timings on
shared machines drift up to 2x between runs. \`npm run bench -- --quick\` runs a 1k-node subset in
under a minute. Results are written to \`bench/results.json\`.

${START}
${END}
`;

function machineBlock(results: Results): string {
  const { machine } = results;
  const notes = results.rows.filter((row) => row.note).map((row) => `- \`${row.id}\`: ${row.note}`);
  return [
    `Last full run: ${results.date.slice(0, 10)}, ${results.durationSeconds.toFixed(0)} s, ${results.runs} runs after ${results.warmup} warm-up per figure.`,
    '',
    formatMarkdownTable(results.rows),
    '',
    ...(notes.length ? ['Measurement notes:', '', ...notes, ''] : []),
    `Machine: ${machine.nproc} cores (\`nproc\`), ${machine.cpu}, ${machine.totalMemoryGiB} GiB RAM, Node ${machine.node}, ${machine.os}; load average ${machine.loadAverageBefore} before, ${machine.loadAverageAfter} after.`,
    '',
    '```',
    '$ free -h',
    machine.memory,
    '```',
  ].join('\n');
}

export function writePerformanceDoc(path: string, results: Results): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const text = current.includes(START) && current.includes(END) ? current : `${current.trimEnd()}\n\n${START}\n${END}\n`;
  const before = text.slice(0, text.indexOf(START) + START.length);
  const after = text.slice(text.indexOf(END));
  writeFileSync(path, `${before}\n${machineBlock(results)}\n${after}`);
}
