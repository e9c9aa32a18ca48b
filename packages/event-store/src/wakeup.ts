/**
 * A wait that a notification can cut short. A notification that arrives while nobody waits is kept,
 * so the next wait returns at once: the loop never sleeps through work that arrived mid-batch.
 */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;

  notify(): void {
    if (this.release) {
      const release = this.release;
      this.release = undefined;
      release();
    } else {
      this.pending = true;
    }
  }

  /** Resolves on the next notification or after `ms`, whichever is first. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.release = undefined;
        resolve();
      }, ms);
      this.release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
