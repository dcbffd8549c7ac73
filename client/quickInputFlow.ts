import * as vscode from 'vscode';

/** Thrown when the person closes a step (Escape); callers end the flow quietly. */
export class InputCancelled extends Error {
  constructor() {
    super('Input cancelled.');
  }
}

/** Returned by a step when its Back button was pressed. */
export const BACK = Symbol('back');
export type StepResult<T> = T | typeof BACK;

interface StepPosition {
  title: string;
  step: number;
  totalSteps: number;
}

export interface InputStep extends StepPosition {
  prompt: string;
  value?: string;
  placeholder?: string;
  /** Masked typing for secret values. */
  password?: boolean;
  /** Returns the problem with the text, checked on every keystroke; undefined when fine. */
  validate?: (text: string) => string | undefined;
}

export interface PickStep<T extends vscode.QuickPickItem> extends StepPosition {
  placeholder: string;
  items: T[];
  active?: T;
}

/**
 * Multi-step QuickInput with Back buttons: each step shows "title (step/total)" and validates as
 * the person types. Steps run through `run`, which replays earlier steps on Back.
 */
export class QuickInputFlow {
  input(options: InputStep): Promise<StepResult<string>> {
    const box = vscode.window.createInputBox();
    Object.assign(box, {
      title: options.title,
      step: options.step,
      totalSteps: options.totalSteps,
      prompt: options.prompt,
      value: options.value ?? '',
      placeholder: options.placeholder,
      password: options.password ?? false,
      ignoreFocusOut: true,
      buttons: options.step > 1 ? [vscode.QuickInputButtons.Back] : [],
    });
    return new Promise<StepResult<string>>((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        action();
        box.dispose();
      };
      const check = (text: string) => {
        box.validationMessage = options.validate?.(text);
        return box.validationMessage === undefined;
      };
      box.onDidChangeValue((text) => check(text));
      box.onDidAccept(() => {
        if (check(box.value)) finish(() => resolve(box.value));
      });
      box.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish(() => resolve(BACK));
      });
      box.onDidHide(() => finish(() => reject(new InputCancelled())));
      // An empty first view shows the prompt; problems appear once something is typed (or on Enter).
      if (box.value) check(box.value);
      box.show();
    });
  }

  pick<T extends vscode.QuickPickItem>(options: PickStep<T>): Promise<StepResult<T>> {
    const pick = vscode.window.createQuickPick<T>();
    Object.assign(pick, {
      title: options.title,
      step: options.step,
      totalSteps: options.totalSteps,
      placeholder: options.placeholder,
      items: options.items,
      ignoreFocusOut: true,
      buttons: options.step > 1 ? [vscode.QuickInputButtons.Back] : [],
    });
    if (options.active) pick.activeItems = [options.active];
    return new Promise<StepResult<T>>((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        action();
        pick.dispose();
      };
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        if (chosen) finish(() => resolve(chosen));
      });
      pick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish(() => resolve(BACK));
      });
      pick.onDidHide(() => finish(() => reject(new InputCancelled())));
      pick.show();
    });
  }
}

/**
 * Runs steps in order; a step returning BACK re-runs the previous one. Each step reads and writes
 * the shared state, so going back and forth keeps what was typed.
 */
export async function runSteps<S>(state: S, steps: ((state: S) => Promise<StepResult<void>>)[]): Promise<S> {
  let index = 0;
  while (index < steps.length) {
    const step = steps[index];
    if (!step) break;
    const result = await step(state);
    index = result === BACK ? Math.max(0, index - 1) : index + 1;
  }
  return state;
}
