/** Messages between the bench orchestrator (`run.ts`) and its child processes (`child.ts`). */

/** What the orchestrator asks a child. */
export type ParentMessage =
  /** Start a measurement window (server child). */
  | { type: 'begin' }
  /** End the window and report it (server child). */
  | { type: 'end' }
  /** Call the model directly `samples` times, one after another; report each time to first token. */
  | { type: 'direct-ttft'; samples: number; tokens: number }
  /** Drain `streams` graph streams in-process inside one window (baseline child). */
  | { type: 'baseline'; round: string; streams: number; tokens: number; staggerMs: number }
  | { type: 'exit' };

/** CPU, event loop and model figures of one measurement window, from the child itself. */
export interface WindowReport {
  /** `process.cpuUsage()` delta over the window, in µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** `performance.eventLoopUtilization()` over the window (0..1). */
  elu: number;
  wallMs: number;
  /** V8 heap in use at the end of the window, in MB (the server keeps ended runs and messages). */
  heapUsedMb: number;
  /** What the model generated in the window. */
  calls: number;
  tokens: number;
  chars: number;
}

/** What a child answers. */
export type ChildMessage =
  | { type: 'ready'; url?: string; flushIntervalMs?: number }
  | { type: 'begun' }
  | { type: 'window'; report: WindowReport }
  | { type: 'ttft'; ms: number[] }
  | {
      type: 'baseline-done';
      report: WindowReport;
      /** Per stream: the text drained from the graph's `messages` items. */
      texts: Record<string, string>;
      /** Per stream: ms from starting `graph.stream` to its first message chunk. */
      firstChunkMs: Record<string, number>;
    }
  | { type: 'error'; message: string };
