/**
 * Server-side charts: vega-lite specs rendered to SVG by vega in a worker thread
 * (`vega-svg-worker.mjs`; why a worker: see there). The page embeds the SVG, so a phone with
 * JavaScript off still sees the chart. The worker starts on first use, is restarted if it dies,
 * and a render that takes too long fails instead of hanging the page.
 *
 * @example
 * const charts = createSvgChartRenderer();
 * const svg = await charts.render({ data: { values }, mark: 'bar', encoding: { … } });
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface SvgChartRenderer {
  /** A vega-lite spec → an `<svg …>` string. */
  render(spec: object): Promise<string>;
  /** Stops the worker (the next render starts a new one). */
  close(): Promise<void>;
}

export class ChartRenderError extends Error {
  readonly code = 'chart_render_failed' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ChartRenderError';
  }
}

const WORKER_FILE = 'vega-svg-worker.mjs';

/** Beside this file, or in `src/charts` when running the compiled `dist/`. */
function workerPath(): string {
  const candidates = [path.join(__dirname, WORKER_FILE), path.resolve(__dirname, '..', '..', 'src', 'charts', WORKER_FILE)];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new ChartRenderError(`${WORKER_FILE} not found in ${candidates.join(' or ')}`);
  return found;
}

export function createSvgChartRenderer(options: { timeoutMs?: number } = {}): SvgChartRenderer {
  const timeoutMs = options.timeoutMs ?? 20_000;
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(svg: string): void; reject(error: Error): void; timer: NodeJS.Timeout }>();

  function failAll(error: Error): void {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
      pending.delete(id);
    }
  }

  function start(): Worker {
    if (worker) return worker;
    const started = new Worker(workerPath());
    started.unref();
    started.on('message', (message: { id: number; svg?: string; error?: string }) => {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      clearTimeout(entry.timer);
      if (message.svg !== undefined) entry.resolve(message.svg);
      else entry.reject(new ChartRenderError(message.error ?? 'chart render failed'));
    });
    started.on('error', (error) => {
      if (worker === started) worker = null;
      failAll(new ChartRenderError(`chart worker failed: ${error.message}`));
    });
    started.on('exit', () => {
      if (worker === started) worker = null;
      failAll(new ChartRenderError('chart worker stopped'));
    });
    worker = started;
    return started;
  }

  return {
    render(spec) {
      const target = start();
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new ChartRenderError(`chart render took over ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        target.ref();
        target.postMessage({ id, spec });
      }).finally(() => {
        if (pending.size === 0) worker?.unref();
      });
    },
    async close() {
      const current = worker;
      worker = null;
      failAll(new ChartRenderError('chart renderer closed'));
      if (current) await current.terminate();
    },
  };
}
