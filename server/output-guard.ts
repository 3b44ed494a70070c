/**
 * What a container prints reaches the learner's terminal, and xterm answers some escape
 * sequences by typing into stdin, or touches the clipboard. Strip those before sending:
 * OSC 52 (clipboard), OSC queries, DCS (DECRQSS and friends), window reports (CSI ... t),
 * device attribute and status reports (CSI c, CSI n), and ENQ. Colours and cursor moves stay.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /\x1b\](?:52|5[0-9]|[0-9]+;\?)[^\x07\x1b]*(?:\x07|\x1b\\)?|\x1bP[^\x1b]*(?:\x1b\\)?|\x1b\[[0-9;?>=]*[tcn]|\x05/g;

/** Removes the sequences that read or write the clipboard or make the terminal report back. */
export function stripUnsafeSequences(text: string): string {
  return text.replace(UNSAFE, '');
}

/** Caps one command's output: after `maxBytes` it sends one marker and drops the rest. */
export class OutputCap {
  private sent = 0;
  private truncated = false;
  constructor(private readonly maxBytes: number) {}

  /** The text to send (possibly the marker), or null when the cap was already reached. */
  pass(text: string): string | null {
    if (this.truncated) return null;
    this.sent += text.length;
    if (this.sent > this.maxBytes) {
      this.truncated = true;
      return `[layerlab: output truncated after ${Math.round(this.maxBytes / 1024)} KiB; the command goes on]`;
    }
    return text;
  }

  /** true once the marker was sent. */
  get wasTruncated(): boolean {
    return this.truncated;
  }
}
