import { randomUUID } from 'node:crypto';
import type { BaseMessage } from '@langchain/core/messages';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { Message } from 'svelte-langserve/protocol';
import type { RunThread } from '../agents/agent.js';
import { toLangChainHistory, toLangChainMessages } from '../agents/history.js';
import type { CheckpointHead, ConversationStore } from '../conversations/store.js';
import { threadIdOf } from '../storage/checkpointer.js';

/** What a run on a thread sends its graph: the input messages and where to fork. */
export interface ThreadTurn {
  messages: BaseMessage[];
  thread: RunThread;
  /** The answer whose head the turn forks from (undefined: a new root, seeded with text). */
  forkedFrom?: string;
}

/**
 * Plans an agent's turn on its thread (ADR 0029). The fork point is the head of the agent's
 * latest answer to a message of `branch` before the trigger (its last message): an answer on the
 * branch, or one beside it (answers of several agents to one message are siblings, and the
 * branch goes on from one of them), preferring the one on the branch, else the newest. The input
 * is what the agent has not seen since: the branch's messages after the answered one (other
 * agents' answers, the new user message), the agent's own head answer excepted.
 *
 * Without such a head, or when the checkpointer does not have it (an answer stored before
 * checkpoints were kept, a checkpointer that forgot), the turn starts a new root in the thread,
 * seeded with the branch's text history as before: siblings never share state either way.
 */
export async function planThreadTurn(options: {
  conversationId: string;
  agentId: string;
  /** The branch that ends at the run's trigger (the user message), oldest first. */
  branch: Message[];
  store: ConversationStore;
  checkpointer: BaseCheckpointSaver;
  contextTokens?: number;
}): Promise<ThreadTurn> {
  const { branch, checkpointer } = options;
  const threadId = threadIdOf(options.conversationId, options.agentId);
  const trigger = branch.at(-1);
  const position = new Map(branch.map((message, index) => [message.id, index]));
  const answered = branch.slice(0, -1).map((message) => message.id);
  const heads = await options.store.listCheckpointHeads(answered, options.agentId);
  let fork: CheckpointHead | undefined;
  let forkAt = -1;
  for (const head of heads) {
    const at = position.get(head.parentId) ?? -1;
    const better =
      at > forkAt ||
      (at === forkAt && (position.has(head.messageId) || !position.has(fork!.messageId)));
    if (better) {
      fork = head;
      forkAt = at;
    }
  }
  if (fork) {
    const stored = await checkpointer.getTuple({
      configurable: { thread_id: threadId, checkpoint_id: fork.checkpointId },
    });
    if (stored) {
      const headAnswer = fork.messageId;
      const unseen = branch.slice(forkAt + 1).filter((message) => message.id !== headAnswer);
      return {
        messages: toLangChainMessages(unseen),
        thread: { checkpointer, threadId, checkpointId: fork.checkpointId },
        forkedFrom: headAnswer,
      };
    }
  }
  return {
    messages: trigger ? await toLangChainHistory(branch, trigger.id, options.contextTokens) : [],
    // An id no checkpoint has: LangGraph starts from an empty state, under a new root.
    thread: { checkpointer, threadId, checkpointId: `root-${randomUUID()}` },
  };
}
