/** Messages between the bench orchestrator (`run.ts`) and its child processes (`child.ts`). */

/** What the orchestrator asks a child. */
export type ParentMessage =
  /** Start a measurement window (server child). */
  | { type: 'begin' }
  /** End the window and report it (server child). */
  | { type: 'end' }
  /** Call the model directly `samples` times, one after another; report each time to first token. */
  | { type: 'direct-ttft'; samples: number; tokens: number }
  /**
   * Stream the bench graph in-process `samples` times, one after another (baseline and floor
   * children, each its own way); report each time from `graph.stream()` to the first message chunk.
   */
  | { type: 'graph-ttft'; samples: number; tokens: number }
  /**
   * Drain `streams` graph streams in-process inside one window (baseline child: the graph with
   * its SQLite checkpointer, each stream on a fresh thread; floor child: the stateless graph).
   */
  | { type: 'baseline'; round: string; streams: number; tokens: number; staggerMs: number }
  /**
   * Collect garbage (the child runs with `--expose-gc`) and report the heap (server child);
   * with `snapshot`, also write a heap snapshot to that file; with `countObjects`, count live
   * objects of a few classes (a heap walk each: seconds on a loaded machine).
   */
  | { type: 'heap'; snapshot?: string; countObjects?: boolean }
  | { type: 'exit' };

/** The server child's memory right after a full garbage collection. */
export interface HeapReport {
  /** `process.memoryUsage()` after `gc()`, in MB. */
  heapUsedMb: number;
  heapTotalMb: number;
  rssMb: number;
  externalMb: number;
  /** How long the collections took, in ms. */
  gcMs: number;
  /** What the server holds: ended runs kept for replay, connected sockets, Socket.IO rooms. */
  held: { endedRuns: number; sockets: number; rooms: number };
  /** Live objects per class (`v8.queryObjects`), when asked for. */
  objects?: Record<string, number>;
  /** How long counting them took, in ms (each count walks the heap). */
  countMs?: number;
  /** The heap snapshot written, if one was asked for. */
  snapshot?: string;
}

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
      /** Checkpoints the streams reported (`checkpoints` mode; 0 for the floor). */
      checkpoints: number;
    }
  | { type: 'heap'; heap: HeapReport }
  | { type: 'error'; message: string };
