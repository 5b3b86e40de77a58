import type { Result, RunEvent } from '../../protocol/index.js';
import type { ChatContext } from './context.js';

/**
 * Resume and gap healing: joins a conversation asking the server to replay what this client
 * missed of its live runs, and re-joins when an event shows that some were lost anyway.
 */
export class ResumeSlice {
  readonly #context: ChatContext;
  /** A healing re-join is on its way. */
  #healing = false;

  constructor(context: ChatContext) {
    this.#context = context;
  }

  /**
   * Joins a conversation, replacing what is shown with the server's copy. When re-joining the
   * conversation shown (after a reconnect), it sends the last `seq` applied for each live run:
   * the server replays the missed events, which apply in `seq` order, so nothing is duplicated.
   */
  async join(conversationId: string): Promise<Result<unknown>> {
    const context = this.#context;
    const chat = context.snapshot.chat;
    const resume =
      chat.conversation?.id === conversationId
        ? Object.values(chat.runs)
            .filter((run) => run.status === 'running')
            .map((run) => ({ runId: run.id, seq: run.nextSeq - 1 }))
        : [];
    if (resume.length) context.dispatch({ type: 'connection', event: { type: 'replaying' } });
    const result = await context.request('conversations:join', {
      conversationId,
      ...(resume.length ? { runs: resume } : {}),
    });
    if (resume.length) context.dispatch({ type: 'connection', event: { type: 'replayed' } });
    if (result.ok) {
      const unreplayable = new Set(result.data.unreplayable ?? []);
      const replaying = resume.map((entry) => entry.runId).filter((id) => !unreplayable.has(id));
      context.dispatch({ type: 'joined', ...result.data, replaying });
    }
    return result;
  }

  /**
   * Call with every run event, after the reducer saw it. An event past the next expected `seq`
   * means events were lost (a replay the server could not complete, say): the reducer dropped
   * it, and the conversation is re-joined without resuming that run, so the server's copy
   * replaces the stalled one.
   */
  heal(event: RunEvent): void {
    const { chat } = this.#context.snapshot;
    const run = chat.runs[event.runId];
    const conversationId = chat.conversation?.id;
    if (!run || !conversationId || event.seq <= run.nextSeq || this.#healing) return;
    this.#healing = true;
    void this.#context.transport
      .request('conversations:join', { conversationId })
      .then((result) => {
        if (result.ok) this.#context.dispatch({ type: 'joined', ...result.data, replaying: [] });
      })
      .finally(() => (this.#healing = false));
  }
}
