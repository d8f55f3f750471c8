/**
 * A part's output, tagged with the part on its way to the supervisor's stderr: a JSON log line gets a `part` field
 * (unless it has one), anything else (a pretty log line, a crash's stack trace) a `[part] ` prefix. Split into lines
 * across chunk boundaries.
 */
export class LineTagger {
  private pending = '';

  constructor(
    private readonly part: string,
    private readonly write: (line: string) => void,
  ) {}

  push(chunk: string): void {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.emit(line);
  }

  /** Writes what is left (a last line without a newline). */
  end(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    if (line.trim() === '') return;
    this.write(`${tagLine(this.part, line)}\n`);
  }
}

export function tagLine(part: string, line: string): string {
  if (line.startsWith('{') && line.endsWith('}')) {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return 'part' in parsed ? line : JSON.stringify({ part, ...parsed });
      }
    } catch {
      // not JSON after all: prefixed below
    }
  }
  return `[${part}] ${line}`;
}
