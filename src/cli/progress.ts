/**
 * Progress of long CLI work on stderr (stdout stays the command's result): a bar redrawn in place on a terminal,
 * otherwise one plain line each time another 10 % is done, so logs and CI output stay readable.
 */
export interface ProgressSink {
  update(done: number, total: number, label: string): void;
  /** Ends the bar's line (a terminal) so the next output starts clean. */
  finish(): void;
}

const WIDTH = 30;

export function progressOn(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = stream.isTTY === true;
  let lastDecile = new Map<string, number>();
  let drawn = false;
  return {
    update(done, total, label) {
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const percent = Math.floor(ratio * 100);
      if (tty) {
        const filled = Math.round(ratio * WIDTH);
        stream.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(percent).padStart(3)}% ${done}/${total} ${label}\x1b[K`,
        );
        drawn = true;
        return;
      }
      const decile = Math.floor(percent / 10);
      if ((lastDecile.get(label) ?? -1) >= decile) return;
      lastDecile.set(label, decile);
      stream.write(`${label}: ${percent}% (${done}/${total})\n`);
    },
    finish() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
      lastDecile = new Map();
    },
  };
}
