import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { WorkflowSecretsError } from '../shared/errors';
import { isWorkflowFile, workflowFormatOf } from '../shared/workflowGlobs';
import { parseWorkflow } from '../shared/workflowParser';
import type { ParsedWorkflow, WorkflowFormat } from '../shared/workflowTypes';

/** Folders never searched for workflows. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out']);

/** How a path is shown: relative to the working folder when inside it, else absolute. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * The workflow files named by PATHS: files as given (any name with a .json/.yaml/.yml extension),
 * folders searched recursively for the default globs. A path that does not exist is a usage error.
 */
export async function collectWorkflowFiles(cwd: string, paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(absolute);
    } catch {
      throw new WorkflowSecretsError('usage', `${given}: no such file or folder.`, 'Give workflow files or folders that exist.');
    }
    if (info.isDirectory()) found.push(...(await walk(absolute, absolute)));
    else {
      formatOrThrow(given);
      found.push(absolute);
    }
  }
  return [...new Set(found)];
}

async function walk(root: string, folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    const full = path.join(folder, entry.name);
    // Symbolic links to folders are not followed (no loops); linked files are read like files.
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) files.push(...(await walk(root, full)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isWorkflowFile(path.relative(root, full))) {
      files.push(full);
    }
  }
  return files;
}

function formatOrThrow(file: string): WorkflowFormat {
  const format = workflowFormatOf(file);
  if (!format) throw new WorkflowSecretsError('usage', `${file} is not a workflow file: its name must end in .json, .yaml or .yml.`, 'Workflow files are usually named NAME.workflow.json or NAME.workflow.yaml.');
  return format;
}

/** Reads and parses one workflow file; a missing or unreadable file is a usage error. */
export async function readWorkflow(cwd: string, file: string): Promise<{ absolute: string; parsed: ParsedWorkflow }> {
  const format = formatOrThrow(file);
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkflowSecretsError('usage', `Cannot read ${file}${code === 'ENOENT' ? ': no such file' : ` (${code ?? 'error'})`}.`, 'Check the path and the file permissions.');
  }
  return { absolute, parsed: parseWorkflow(text, format) };
}
