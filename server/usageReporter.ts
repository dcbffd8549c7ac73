import type { SecretUsage } from '../shared/lspProtocol';

/**
 * Sends UsageNotification (reference counts per secret across the workspace) after scans and
 * changes, debounced, and only when the counts changed.
 */
export class UsageReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastSent = '';
  /** Held back while the first scan runs, so the client gets one complete picture. */
  private enabled = false;

  constructor(
    private readonly send: (params: { usages: SecretUsage[] }) => void,
    private readonly usage: () => SecretUsage[],
    private readonly delayMs = 300,
  ) {}

  enable(): void {
    this.enabled = true;
    this.flush();
  }

  schedule(): void {
    if (!this.enabled) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.enabled) return;
    const usages = this.usage();
    const text = JSON.stringify(usages);
    if (text === this.lastSent) return;
    this.lastSent = text;
    this.send({ usages });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.enabled = false;
  }
}
