import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

const QUICK_INPUT = '.quick-input-widget';

/**
 * Drives the VS Code workbench in the browser the way a person does: the Command Palette, quick
 * inputs, editors, panels and notifications. Every wait is on a selector or a state, never a sleep.
 */
export class Workbench {
  constructor(
    readonly page: Page,
    private readonly timeoutMs = 30_000,
  ) {}

  get quickInput(): Locator {
    return this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
  }

  async waitForWorkbench(): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  }

  /** A status bar item whose text contains `text`. */
  statusItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  private async openQuickInput(prefix: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.quickInput.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await this.quickInput.fill(prefix);
  }

  /** Runs a command from the Command Palette by its full title ("Workflow Secrets: Create Secret"). */
  async runCommand(title: string): Promise<void> {
    await this.openQuickInput(`>${title}`);
    const row = this.page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: title }).first();
    await row.waitFor({ timeout: this.timeoutMs });
    await row.click();
  }

  /** Quick Open by file name. */
  async openFile(name: string): Promise<void> {
    await this.openQuickInput(name);
    const row = this.page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: name }).first();
    await row.waitFor({ timeout: this.timeoutMs });
    await row.click();
    await this.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name }).waitFor({ timeout: this.timeoutMs });
  }

  /** Moves the cursor of the active editor (1-based line and column). */
  async goTo(line: number, column: number): Promise<void> {
    await this.openQuickInput(`:${line}:${column}`);
    // Enter only counts once the palette has computed its "go to line" entry.
    await this.page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: `line ${line} at column ${column}` }).waitFor({ timeout: this.timeoutMs });
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: this.timeoutMs });
  }

  /** Waits for a quick input step whose prompt or title contains `text`. */
  async waitForStep(text: string): Promise<void> {
    const shown = this.page.locator(`${QUICK_INPUT} :is(.quick-input-title, .quick-input-message, .quick-input-description)`, { hasText: text });
    const placeholder = this.page.locator(`${QUICK_INPUT} .quick-input-box input[placeholder*=${JSON.stringify(text)}]`);
    await shown.or(placeholder).first().waitFor({ state: 'visible', timeout: this.timeoutMs });
  }

  /** Types into the current quick input step and accepts it. */
  async answer(text: string): Promise<void> {
    await this.quickInput.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Picks a row of the current quick pick by its label. */
  async pick(label: string | RegExp): Promise<void> {
    const row = this.page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: label }).first();
    await row.waitFor({ timeout: this.timeoutMs });
    await row.click();
  }

  /** The validation message under the quick input, once it says something matching. */
  async waitForValidation(text: string | RegExp): Promise<void> {
    await this.page.locator(`${QUICK_INPUT} .quick-input-message`, { hasText: text }).waitFor({ timeout: this.timeoutMs });
  }

  /** Waits until the quick input's text matches (e.g. the path a save dialog proposes). */
  async waitForInputValue(pattern: RegExp): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout: this.timeoutMs });
    // Playwright has no locator wait on an input's value; the page re-checks it on each frame.
    await this.page.waitForFunction(
      ([selector, source]) => {
        const input = (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector(selector);
        return !!input && new RegExp(source).test(input.value);
      },
      [`${QUICK_INPUT} .quick-input-box input`, pattern.source] as const,
      { timeout: this.timeoutMs },
    );
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** The visible lines of the active editor as text (Monaco renders spaces as no-break spaces). */
  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    const texts = await lines.evaluateAll((elements) =>
      elements
        .map((element) => {
          const line = element as unknown as { style: { top: string }; innerText: string };
          return { top: parseFloat(line.style.top || '0'), text: line.innerText };
        })
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text),
    );
    return texts.join('\n').replace(/\u00a0/g, ' ');
  }

  /**
   * Waits until the active editor's visible text matches `pattern` and resolves with that text, its
   * whitespace collapsed. Wrapped lines are joined back as the file has them (a wrap may split a
   * word: only the first screen line of a file line has a line number).
   */
  async waitForEditorText(pattern: RegExp): Promise<string> {
    const handle = await this.page.waitForFunction(
      ([source, flags]) => {
        type Element = { style: { top: string }; innerText: string; parentElement: Element | null };
        const editor = (globalThis as unknown as { document: { querySelector(s: string): { querySelectorAll(s: string): Iterable<Element> } | null } }).document.querySelector(
          '.editor-group-container.active .monaco-editor',
        );
        if (!editor) return false;
        // No named inner functions: tsx would wrap them in a helper the page does not have.
        const numbered = new Set([...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((number) => Math.round(parseFloat(number.parentElement?.style.top || '0'))));
        const lines = [...editor.querySelectorAll('.view-lines .view-line')].map((line) => ({ top: Math.round(parseFloat(line.style.top || '0')), text: line.innerText }));
        const text = lines
          .sort((a, b) => a.top - b.top)
          .map((line) => (numbered.has(line.top) ? '\n' : '') + line.text)
          .join('')
          .replace(/\s+/g, ' ')
          .trim();
        return new RegExp(source, flags).test(text) ? text : false;
      },
      [pattern.source, pattern.flags] as const,
      { timeout: this.timeoutMs },
    );
    return (await handle.jsonValue()) as string;
  }

  async screenshot(file: string, options: { clip?: Locator } = {}): Promise<string> {
    await mkdir(path.dirname(file), { recursive: true });
    if (options.clip) await options.clip.screenshot({ path: file, animations: 'disabled' });
    else await this.page.screenshot({ path: file, animations: 'disabled' });
    return file;
  }

  /** What is on screen in words, for a failure message. */
  async describeScreen(): Promise<string> {
    const grab = async (selector: string) =>
      (await this.page.locator(selector).allInnerTexts().catch(() => [] as string[])).map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
    return [
      `quick input: ${(await grab(`${QUICK_INPUT}:visible`)).join(' | ') || '(closed)'}`,
      `notifications: ${(await grab('.notifications-toasts .notification-toast')).join(' | ') || '(none)'}`,
      `status bar: ${(await grab('.part.statusbar .statusbar-item')).join(' | ')}`,
      `active tab: ${(await grab('.tabs-container .tab.active')).join(' | ') || '(none)'}`,
      `hovers: ${(await this.page
        .locator('[class*="hover"]:visible')
        .evaluateAll((elements) => elements.map((element) => `${(element as unknown as { className: string }).className}: ${(element as unknown as { innerText: string }).innerText.replace(/\s+/g, " ").slice(0, 300)}`))
        .catch(() => [] as string[])).join(' | ') || '(none)'}`,
    ].join('\n');
  }
}
