import { describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage } from '../src/lib/client/index.js';
import Message from '../src/lib/components/chat/Message.svelte';
import ReasoningPart from '../src/lib/components/message/ReasoningPart.svelte';
import { snapshotAfter } from './fixtures/scripted-server.js';
import { reasoningLabel } from '../src/lib/components/message/reasoning-label.js';
import {
  REASONING_DELTAS,
  REASONING_DURATION_MS,
  answerText,
  midStream,
  reasoningAnswer,
} from './fixtures/transcripts.js';
import { visibleText } from '../stories/support/dom.js';
import { findSlot, messageTexts } from '../stories/support/dom.js';

const answerOf = async (transcript: typeof reasoningAnswer): Promise<ChatMessage> => {
  const snapshot = await snapshotAfter([transcript]);
  return snapshot.chat.messages.find((message) => message.role === 'assistant')!;
};

describe('ReasoningPart (real Chromium)', () => {
  it('shows "Thinking…" while the model reasons, collapsed, before any answer text', async () => {
    const message = await answerOf(midStream(reasoningAnswer, Math.floor(REASONING_DELTAS / 2)));
    const screen = await render(Message, { message });
    const reasoning = await findSlot(screen.container, 'reasoning');
    expect(reasoning.dataset.status).toBe('streaming');
    await expect.element(page.getByText('Thinking…')).toBeVisible();
    expect((reasoning as HTMLDetailsElement).open).toBe(false);
    expect(messageTexts(screen.container, 'assistant')).toEqual(['']);
  });

  it('shows "Thought for N s" above the answer; opening it reveals the reasoning', async () => {
    const message = await answerOf(reasoningAnswer);
    const screen = await render(Message, { message });
    await findSlot(screen.container, 'reasoning');
    const slots = [
      ...screen.container.querySelectorAll('[data-slot="reasoning"], [data-slot="markdown"]'),
    ]
      .filter((element) => !element.closest('[data-slot="reasoning-body"]'))
      .map((element) => element.getAttribute('data-slot'));
    expect(slots).toEqual(['reasoning', 'markdown']);
    const body = page.getByText(/I am the offline demo model/);
    await expect.element(body).not.toBeVisible();
    await page.getByText(reasoningLabel({ durationMs: REASONING_DURATION_MS }, false)).click();
    await expect.element(body).toBeVisible();
    expect(messageTexts(screen.container, 'assistant')).toEqual([
      visibleText(answerText(reasoningAnswer)),
    ]);
  });

  it('renders model reasoning as sanitized markdown, never as raw HTML', async () => {
    const screen = await render(ReasoningPart, {
      part: { type: 'reasoning', text: 'Plan: <img src=x onerror="window.pwned=1"> **bold**' },
    });
    await page.getByText('Reasoning').click();
    await expect.element(page.getByText('bold')).toBeVisible();
    expect(screen.container.querySelector('[onerror]')).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });
});
