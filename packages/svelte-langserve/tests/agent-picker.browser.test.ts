import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import { InMemoryTransport, type TranscriptStep } from '../src/lib/client/index.js';
import { ok, type AgentInfo, type RequestPayload } from '../src/lib/protocol/index.js';
import { messageTexts } from '../stories/support/dom.js';
import ThemedChat from '../stories/support/ThemedChat.svelte';
import { conversation, runEvents, userMessage } from './fixtures.js';

const agent = (
  id: string,
  name: string,
  health: AgentInfo['health'] = { status: 'ready' },
): AgentInfo => ({
  id,
  name,
  description: `${name} agent`,
  provider: 'demo',
  model: 'demo',
  demo: true,
  tools: [],
  health,
});
const agents = [
  agent('chatbot', 'Chatbot'),
  agent('code-assistant', 'Code assistant'),
  agent('research-assistant', 'Research', { status: 'unconfigured', reason: 'No API key' }),
];

/** Two runs, one per agent, whose events interleave on the wire. */
function interleaved(): TranscriptStep[] {
  const first = runEvents(['Alpha ', 'one'], { runId: 'r1', messageId: 'a1' }).map((event) => ({
    ...event,
    ...(event.type === 'start' ? { agentId: 'chatbot' } : {}),
  }));
  const second = runEvents(['Beta ', 'two'], { runId: 'r2', messageId: 'a2' }).map((event) => ({
    ...event,
    ...(event.type === 'start' ? { agentId: 'code-assistant' } : {}),
  }));
  return first.flatMap((event, index) => [
    { event: 'run:event' as const, payload: event, delayMs: 5 },
    { event: 'run:event' as const, payload: second[index]!, delayMs: 5 },
  ]);
}

function transport() {
  return new InMemoryTransport({
    handlers: {
      'agents:list': () => ok({ agents }),
      'conversations:create': () => ok({ conversation }),
      'messages:send': (payload: RequestPayload<'messages:send'>, context) => {
        void context.replay(interleaved());
        return ok({
          message: userMessage({
            clientMessageId: payload.clientMessageId,
            parts: [{ type: 'text', text: payload.text }],
          }),
          runs: [],
        });
      },
    },
  });
}

describe('AgentPicker in ChatInterface (real Chromium)', () => {
  it('shows every agent with its health, and sends to the chosen ones', async () => {
    const scripted = transport();
    const screen = await render(ThemedChat, { transport: scripted });
    const chatbot = page.getByRole('button', { name: /Chatbot/ });
    const code = page.getByRole('button', { name: /Code assistant/ });
    await expect.element(chatbot).toHaveAttribute('aria-pressed', 'false');
    await expect.element(page.getByRole('button', { name: /Research/ })).toBeDisabled();

    await chatbot.click();
    await code.click();
    await expect.element(chatbot).toHaveAttribute('aria-pressed', 'true');

    await userEvent.type(
      page.getByRole('textbox', { name: 'Message' }).element(),
      'Compare{Enter}',
    );
    await expect
      .poll(() => messageTexts(screen.container, 'assistant'))
      .toEqual(['Alpha one', 'Beta two']);
    const send = scripted.requests.find((request) => request.event === 'messages:send');
    expect((send?.payload as RequestPayload<'messages:send'>).agentIds).toEqual([
      'chatbot',
      'code-assistant',
    ]);
    // Each answer is labelled with its agent.
    const headers = [...screen.container.querySelectorAll('[data-slot="message-header"]')].map(
      (header) => header.textContent?.trim(),
    );
    expect(headers).toEqual([
      expect.stringContaining('Chatbot'),
      expect.stringContaining('Code assistant'),
    ]);
  });

  it('keeps the agents on one row that scrolls sideways in a phone-width chat', async () => {
    await page.viewport(360, 700);
    const screen = await render(ThemedChat, { transport: transport() });
    const chatbot = page.getByRole('button', { name: /Chatbot/ });
    await expect.element(chatbot).toBeVisible();
    const options = [...screen.container.querySelectorAll('[data-slot="agent-option"]')];
    const tops = new Set(options.map((option) => Math.round(option.getBoundingClientRect().top)));
    expect(tops.size).toBe(1);
    const picker = screen.container.querySelector<HTMLElement>('[data-slot="agent-picker"]')!;
    expect(picker.scrollWidth).toBeGreaterThan(picker.clientWidth);
    await page.viewport(1024, 700);
  });

  it('sends to the default agents when none is chosen', async () => {
    const scripted = transport();
    await render(ThemedChat, { transport: scripted });
    await expect.element(page.getByRole('status')).toHaveTextContent('Connected');
    await userEvent.type(page.getByRole('textbox', { name: 'Message' }).element(), 'Hi{Enter}');
    await expect.poll(() => scripted.requests.some((r) => r.event === 'messages:send')).toBe(true);
    const send = scripted.requests.find((request) => request.event === 'messages:send');
    expect((send?.payload as RequestPayload<'messages:send'>).agentIds).toBeUndefined();
  });
});
