import { Minimatch } from 'minimatch';
import { DEFAULT_WORKFLOW_GLOBS, type WorkflowFormat } from './workflowTypes';

export { DEFAULT_WORKFLOW_GLOBS };

/** The format a file name implies: `.json` is JSON, `.yaml` and `.yml` are YAML (any case). */
export function workflowFormatOf(fileName: string): WorkflowFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

const compiled = new Map<string, Minimatch>();

function matcher(glob: string): Minimatch {
  let found = compiled.get(glob);
  if (!found) {
    // dot: workflows under `.github/` and similar folders count too.
    found = new Minimatch(glob, { dot: true });
    if (compiled.size > 256) compiled.clear();
    compiled.set(glob, found);
  }
  return found;
}

/** Forward slashes, no `./` prefix: the form the globs are matched against (relative or absolute). */
export function normalizeWorkflowPath(path: string): string {
  let normalized = path.replace(/\\/g, '/');
  while (normalized.startsWith('./')) normalized = normalized.slice(2);
  return normalized;
}

/**
 * True when the path matches one of the globs (default `**\/*.workflow.json`, `.yaml`, `.yml`)
 * and has a workflow format. Paths may be relative to the workspace or absolute.
 */
export function isWorkflowFile(path: string, globs: readonly string[] = DEFAULT_WORKFLOW_GLOBS): boolean {
  if (!workflowFormatOf(path)) return false;
  const normalized = normalizeWorkflowPath(path);
  return globs.some((glob) => matcher(glob).match(normalized));
}
