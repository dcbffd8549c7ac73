/**
 * The crash test's deterministic write plan, shared by the writer child and the checking parent:
 * the write that produces generation g always does opFor(g), so the parent can compute exactly
 * what a vault at any generation must hold (values and which key opens it) and tell "old or new
 * generation" from "something in between".
 */
export const STEADY_SECRETS = 6;
export const TRANSIENT = 'TRANSIENT';

export type CrashOp =
  | { kind: 'update'; name: string; value: string }
  | { kind: 'toggleTransient'; value: string }
  | { kind: 'rotate' };

export function steadyName(index: number): string {
  return `S${index}`;
}

export function valueFor(canary: string, tag: string): string {
  return `${canary}-${tag}`;
}

export function opFor(generation: number, canary: string): CrashOp {
  if (generation % 29 === 0) return { kind: 'rotate' };
  if (generation % 7 === 0) return { kind: 'toggleTransient', value: valueFor(canary, `t${generation}`) };
  return { kind: 'update', name: steadyName(generation % STEADY_SECRETS), value: valueFor(canary, `v${generation}`) };
}

export interface ExpectedVault {
  /** 0 or 1: which of the two keys opens the vault at this generation. */
  keyIndex: number;
  values: Map<string, string>;
}

/** The state right after setup (generation `setupGeneration`): every steady secret at "init". */
export function initialState(canary: string): ExpectedVault {
  const values = new Map<string, string>();
  for (let i = 0; i < STEADY_SECRETS; i++) values.set(steadyName(i), valueFor(canary, 'init'));
  return { keyIndex: 0, values };
}

/** Replays the plan from the setup generation to `generation`. */
export function expectedAt(setupGeneration: number, generation: number, canary: string): ExpectedVault {
  const state = initialState(canary);
  for (let g = setupGeneration + 1; g <= generation; g++) {
    const op = opFor(g, canary);
    if (op.kind === 'rotate') state.keyIndex = 1 - state.keyIndex;
    else if (op.kind === 'update') state.values.set(op.name, op.value);
    else if (state.values.has(TRANSIENT)) state.values.delete(TRANSIENT);
    else state.values.set(TRANSIENT, op.value);
  }
  return state;
}
