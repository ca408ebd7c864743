// A one-line progress bar for long exports, drawn on stderr only when stderr is a terminal (never in
// pipes, logs or CI), redrawn at most every 100 ms so it costs nothing next to the export itself.

export interface ProgressStream {
  isTTY?: boolean;
  write(chunk: string): boolean;
}

export interface Progress {
  tick(done: number): void;
  finish(): void;
}

const silent: Progress = { tick: () => undefined, finish: () => undefined };

export function createProgress(
  label: string,
  total: number,
  stream: ProgressStream = process.stderr,
): Progress {
  if (!stream.isTTY || total <= 0) return silent;
  let lastDrawMs = 0;
  const draw = (done: number): void => {
    const fraction = Math.min(1, done / total);
    const filled = Math.round(fraction * 30);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${Math.round(fraction * 100)}% ${done}/${total}`,
    );
  };
  return {
    tick(done) {
      const nowMs = Date.now();
      if (nowMs - lastDrawMs < 100 && done < total) return;
      lastDrawMs = nowMs;
      draw(done);
    },
    finish() {
      draw(total);
      stream.write('\n');
    },
  };
}
