/**
 * Splits streamed text into lines the way Python 3 reads a text file (universal newlines): `\n`, `\r\n`
 * and a lone `\r` each end a line, and a final line without a terminator still counts. The paper's
 * simulator numbers every line it reads, so the line count must match Python's exactly.
 */
export class LineSplitter {
  private rest = '';

  /** Feeds one chunk; calls `onLine` for every line completed by it (terminator removed). */
  push(chunk: string, onLine: (line: string) => void): void {
    let text = this.rest + chunk;
    // A chunk ending in `\r` may be the first half of `\r\n`: keep it until the next chunk decides.
    let held = '';
    if (text.endsWith('\r')) {
      held = '\r';
      text = text.slice(0, -1);
    }
    let from = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) {
        onLine(text.slice(from, i));
        from = i + 1;
      } else if (c === 13 /* \r */) {
        onLine(text.slice(from, i));
        if (i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
        from = i + 1;
      }
    }
    this.rest = text.slice(from) + held;
  }

  /** Ends the input: the unterminated last line, if any, is a line too. */
  end(onLine: (line: string) => void): void {
    const text = this.rest;
    this.rest = '';
    if (text === '') return;
    onLine(text.endsWith('\r') ? text.slice(0, -1) : text);
  }
}
