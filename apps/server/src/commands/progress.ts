import { SingleBar } from 'cli-progress';

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  /** Printed first on the line, e.g. `import docs`. */
  label: string;
  /** The amount that means done, or null when unknown (a pipe). */
  total: number | null;
  /** How amounts are printed. */
  unit: 'bytes' | 'items';
  /** False prints nothing (`--no-progress`). */
  enabled: boolean;
  /** Where to draw; standard error by default, so standard output stays data. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Milliseconds between plain lines when the stream is not a terminal (default 5000). */
  plainIntervalMs?: number;
}

/** A progress display: a bar on a terminal, periodic plain lines otherwise. */
export interface Progress {
  /** Sets the amount done; `detail` is shown beside it (e.g. `12,000 vectors, 8,400 vec/s`). */
  update(value: number, detail?: string): void;
  /** Ends the current phase and starts another (its own label and total). */
  restart(label: string, total: number | null): void;
  /** Draws the last state and ends the display. */
  stop(): void;
}

/**
 * Starts a progress display. On a terminal: a cli-progress bar redrawn in place, with
 * percentage and ETA. Otherwise (a log file, CI): one plain line every few seconds while
 * the amount changes, and a last one at the end — no control characters, no blank lines.
 *
 * @example
 * ```ts
 * const progress = startProgress({ label: 'export docs', total: 1000, unit: 'items', enabled: true });
 * progress.update(500, '500 vectors');
 * progress.stop();
 * ```
 */
export function startProgress(options: ProgressOptions): Progress {
  if (!options.enabled) return { update() {}, restart() {}, stop() {} };
  const stream = options.stream ?? process.stderr;
  return stream.isTTY === true
    ? barProgress(options, stream as NodeJS.WriteStream)
    : plainProgress(options, stream);
}

function barProgress(options: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  let label = options.label;
  let total = options.total;
  let value = 0;
  const payload = (detail: string) => ({
    label,
    amount: formatAmount(value, total, options.unit),
    detail,
  });
  const make = () => {
    const bar = new SingleBar({
      stream,
      format:
        total === null
          ? '{label} | {amount} | {detail}'
          : '{label} [{bar}] {percentage}% | {amount} | {detail} | ETA {eta_formatted}',
      hideCursor: true,
      // Restores the cursor if the process is interrupted while the bar is drawn.
      gracefulExit: true,
      etaBuffer: 50,
      fps: 5,
      barsize: 30,
    });
    bar.start(total ?? 1, 0, payload(''));
    return bar;
  };
  let bar = make();
  return {
    update(next, detail = '') {
      value = next;
      bar.update(total === null ? 0 : Math.min(next, total), payload(detail));
    },
    restart(nextLabel, nextTotal) {
      bar.stop();
      label = nextLabel;
      total = nextTotal;
      value = 0;
      bar = make();
    },
    stop() {
      bar.stop();
    },
  };
}

function plainProgress(
  options: ProgressOptions,
  stream: NodeJS.WritableStream & { isTTY?: boolean },
): Progress {
  const interval = options.plainIntervalMs ?? 5000;
  let label = options.label;
  let total = options.total;
  let value = 0;
  let detail = '';
  let printed = '';
  let phaseStarted = performance.now();
  const print = () => {
    const line = plainLine(
      label,
      value,
      total,
      options.unit,
      detail,
      performance.now() - phaseStarted,
    );
    // The elapsed time always changes; print only when the work moved on.
    const key = `${label}|${value}|${detail}`;
    if (key === printed) return;
    printed = key;
    stream.write(`${line}\n`);
  };
  let timer: NodeJS.Timeout | null = setInterval(print, interval);
  timer.unref();
  return {
    update(next, nextDetail = '') {
      value = next;
      detail = nextDetail;
    },
    restart(nextLabel, nextTotal) {
      print();
      label = nextLabel;
      total = nextTotal;
      value = 0;
      detail = '';
      phaseStarted = performance.now();
    },
    stop() {
      if (timer === null) return;
      clearInterval(timer);
      timer = null;
      print();
    },
  };
}

function plainLine(
  label: string,
  value: number,
  total: number | null,
  unit: 'bytes' | 'items',
  detail: string,
  elapsedMs: number,
): string {
  const parts = [label];
  if (total !== null && total > 0) {
    parts.push(`${Math.floor((Math.min(value, total) / total) * 100)}%`);
  }
  parts.push(formatAmount(value, total, unit));
  if (detail !== '') parts.push(detail);
  parts.push(`${(elapsedMs / 1000).toFixed(1)} s`);
  return parts.join(' | ');
}

function formatAmount(value: number, total: number | null, unit: 'bytes' | 'items'): string {
  const f = unit === 'bytes' ? formatBytes : (n: number) => n.toLocaleString('en');
  return total === null ? f(value) : `${f(value)}/${f(total)}`;
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${n.toFixed(1)} ${units[i]}`;
}
