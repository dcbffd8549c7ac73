// The machine a run measured: cores, memory, node, CPU model (from /proc/cpuinfo on Linux).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  nproc: number;
  /** `free -h` as printed, or the total from os when `free` is absent. */
  memory: string;
  totalMemoryGiB: number;
  node: string;
  cpu: string;
  os: string;
}

function commandOutput(command: string, args: string[]): string | undefined {
  try {
    // trimEnd: `free -h` aligns its header with leading spaces.
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return undefined;
  }
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall back to what node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(): Machine {
  const nproc = Number(commandOutput('nproc', [])) || availableParallelism();
  return {
    nproc,
    memory: commandOutput('free', ['-h']) ?? `${(totalmem() / 2 ** 30).toFixed(1)} GiB total`,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    cpu: cpuModel(),
    os: `${process.platform} ${release()}`,
  };
}

/** 1-minute load average: other work on a shared machine shows here. */
export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
