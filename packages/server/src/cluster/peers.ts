import type { Message, RunEvent, RunInfo } from 'svelte-langserve/protocol';
import type { CancelOutcome, RunManager } from '../runs/run-manager.js';

/** A run live on another instance: what it has shown so far. */
export interface RemoteRun {
  info: RunInfo;
  /** Its answer as of `info.seq`. */
  message: Message;
}

/**
 * The other server instances' runs (see ADR 0018). With one instance there are none; with a
 * Redis adapter they are asked through Socket.IO's inter-server channel.
 */
export interface RunPeers {
  /** Runs of a conversation live on other instances. */
  liveRuns(conversationId: string): Promise<RemoteRun[]>;
  /** The events of a run on another instance after `seq`, or undefined when none keeps them. */
  replay(conversationId: string, runId: string, seq: number): Promise<RunEvent[] | undefined>;
  /** Cancels a run live on another instance; `not_found` when none has it live. */
  cancel(runId: string): Promise<CancelOutcome>;
}

/** The inter-server events, each answered by every other instance. */
export interface ClusterEvents {
  'runs:live': (request: { conversationId: string }, ack: (runs: RemoteRun[]) => void) => void;
  'runs:replay': (
    request: { conversationId: string; runId: string; seq: number },
    ack: (events: RunEvent[] | null) => void,
  ) => void;
  'runs:cancel': (
    request: { runId: string },
    ack: (outcome: Exclude<CancelOutcome, { outcome: 'not_found' }> | null) => void,
  ) => void;
}

/** The part of a Socket.IO server the peers use. */
interface ClusterServer {
  on<E extends keyof ClusterEvents>(event: E, listener: ClusterEvents[E]): unknown;
  serverSideEmitWithAck<E extends keyof ClusterEvents>(
    event: E,
    request: Parameters<ClusterEvents[E]>[0],
  ): Promise<Array<Parameters<Parameters<ClusterEvents[E]>[1]>[0]>>;
}

/**
 * Answers the other instances' questions about this instance's runs, and asks them about
 * theirs. A peer that does not answer in time (the adapter's request timeout) counts as having
 * nothing: `onError` is told.
 */
export function clusterPeers(
  io: ClusterServer,
  runs: RunManager,
  onError: (error: unknown, event: keyof ClusterEvents) => void,
): RunPeers {
  io.on('runs:live', ({ conversationId }, ack) =>
    ack(runs.liveRuns(conversationId).map((run) => ({ info: run.info(), message: run.message() }))),
  );
  io.on('runs:replay', ({ conversationId, runId, seq }, ack) => {
    const run = runs.get(runId);
    ack(run && run.conversationId === conversationId ? (run.eventsAfter(seq) ?? null) : null);
  });
  io.on('runs:cancel', ({ runId }, ack) => {
    const run = runs.get(runId);
    if (!run?.live) return ack(null);
    ack(
      run.cancel()
        ? { outcome: 'cancelled', run: run.info() }
        : { outcome: 'ended', run: run.info() },
    );
  });
  const ask = async <E extends keyof ClusterEvents>(
    event: E,
    request: Parameters<ClusterEvents[E]>[0],
  ) => {
    try {
      return await io.serverSideEmitWithAck(event, request);
    } catch (error) {
      onError(error, event);
      return [];
    }
  };
  return {
    liveRuns: async (conversationId) =>
      (await ask('runs:live', { conversationId })).flat() as RemoteRun[],
    replay: async (conversationId, runId, seq) =>
      ((await ask('runs:replay', { conversationId, runId, seq })) as Array<RunEvent[] | null>).find(
        (events) => events !== null,
      ) ?? undefined,
    cancel: async (runId) =>
      ((await ask('runs:cancel', { runId })) as Array<CancelOutcome | null>).find(
        (outcome) => outcome !== null,
      ) ?? { outcome: 'not_found' },
  };
}
