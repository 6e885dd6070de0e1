/**
 * A fixed number of evaluation workers, each running one task at a time. A task that overruns its
 * time limit, or whose worker dies (an uncaught error, out of memory), is reported as lost and the
 * worker replaced; workers are also replaced after a number of tasks, which bounds the wasm memory
 * each can grow to (wasm memory never shrinks).
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Reply, Task, WorkerMessage, WorkerSetup } from './protocol';

export type Outcome<R extends Reply> =
  { readonly reply: R } | { readonly lost: 'timeout' | 'worker-died'; readonly message: string; readonly ms: number };

export interface PoolOptions {
  readonly size: number;
  readonly timeoutMs: number;
  readonly recycleAfter: number;
  /** V8 heap limit per worker; the parser's wasm memory comes on top. */
  readonly maxHeapMb?: number;
  readonly setup: WorkerSetup;
  /** The worker module (evalWorker.ts), normally inside the run's library snapshot. */
  readonly script: string;
}

export interface PoolStats {
  workersStarted: number;
  timeouts: number;
  workerDeaths: number;
  recycled: number;
}

interface Pending {
  readonly task: Task;
  readonly resolve: (outcome: Outcome<Reply>) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current: (Pending & { readonly started: number; readonly timer: NodeJS.Timeout }) | undefined;
  done: number;
  /** Set once this worker is being replaced: its later events are ignored. */
  retired: boolean;
}

/** Starting a worker failed this many times in a row: give up rather than loop. */
const MAX_FAILED_STARTS = 5;

export class WorkerPool {
  readonly stats: PoolStats = { workersStarted: 0, timeouts: 0, workerDeaths: 0, recycled: 0 };
  private readonly queue: Pending[] = [];
  private readonly slots: Slot[] = [];
  private failedStarts = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.size; i++) this.slots.push(this.start());
  }

  run<R extends Reply>(task: Task): Promise<Outcome<R>> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<Outcome<R>>((resolve) => {
      this.queue.push({ task, resolve: resolve as (outcome: Outcome<Reply>) => void });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => this.retire(slot)));
  }

  /**
   * A worker thread that runs TypeScript: tsx's require hook is registered in the thread first (a
   * worker does not inherit it), then the worker module is loaded.
   */
  private start(): Slot {
    this.stats.workersStarted++;
    const boot = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();\nrequire(${JSON.stringify(this.options.script)});`;
    const worker = new Worker(boot, {
      eval: true,
      workerData: this.options.setup,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 3072 },
    });
    const slot: Slot = { worker, ready: false, current: undefined, done: 0, retired: false };
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onDeath(slot, `${error.name}: ${error.message}`));
    worker.on('exit', (code) => this.onDeath(slot, `the worker exited with code ${code}`));
    return slot;
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (slot.retired) return;
    if (message.kind === 'ready') {
      slot.ready = true;
      this.failedStarts = 0;
      this.dispatch();
      return;
    }
    const current = slot.current;
    if (current === undefined || current.task.id !== message.id) return;
    clearTimeout(current.timer);
    slot.current = undefined;
    slot.done++;
    current.resolve({ reply: message });
    if (slot.done >= this.options.recycleAfter) {
      this.stats.recycled++;
      this.replace(slot);
    }
    this.dispatch();
  }

  private onDeath(slot: Slot, message: string): void {
    if (slot.retired) return;
    if (!slot.ready) this.failedStarts++;
    const current = slot.current;
    if (current !== undefined) {
      clearTimeout(current.timer);
      this.stats.workerDeaths++;
      current.resolve({ lost: 'worker-died', message, ms: performance.now() - current.started });
      slot.current = undefined;
    }
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.closed = true;
      for (const pending of this.queue.splice(0)) {
        pending.resolve({ lost: 'worker-died', message: `workers cannot start: ${message}`, ms: 0 });
      }
    }
    this.replace(slot);
    this.dispatch();
  }

  private onTimeout(slot: Slot): void {
    const current = slot.current;
    if (slot.retired || current === undefined) return;
    this.stats.timeouts++;
    slot.current = undefined;
    current.resolve({
      lost: 'timeout',
      message: `over the ${this.options.timeoutMs / 1000} s limit`,
      ms: performance.now() - current.started,
    });
    this.replace(slot);
    this.dispatch();
  }

  private replace(slot: Slot): void {
    void this.retire(slot);
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots[index] = this.start();
  }

  private async retire(slot: Slot): Promise<void> {
    slot.retired = true;
    if (slot.current !== undefined) clearTimeout(slot.current.timer);
    await slot.worker.terminate().catch(() => undefined);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.retired || slot.current !== undefined) continue;
      const pending = this.queue.shift()!;
      const timer = setTimeout(() => this.onTimeout(slot), this.options.timeoutMs);
      slot.current = { ...pending, started: performance.now(), timer };
      slot.worker.postMessage(pending.task);
    }
  }
}
