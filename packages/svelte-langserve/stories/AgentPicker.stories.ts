import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import AgentPicker from '../src/lib/components/chat/AgentPicker.svelte';
import type { AgentInfo } from '../src/lib/protocol/index.js';

const agent = (
  id: string,
  name: string,
  health: AgentInfo['health'] = { status: 'ready' },
  demo = true,
): AgentInfo => ({
  id,
  name,
  description: `${name}: answers in its own style.`,
  provider: demo ? 'demo' : 'openai',
  model: demo ? 'demo' : 'gpt-4o-mini',
  demo,
  tools: [],
  health,
});

const agents = [
  agent('chatbot', 'Chatbot'),
  agent('code-assistant', 'Code assistant', { status: 'ready' }, false),
  agent('data-analyst', 'Data analyst', { status: 'degraded', reason: 'The last 3 calls failed' }),
  agent('research-assistant', 'Research assistant', {
    status: 'unconfigured',
    reason: 'OPENAI_API_KEY is not set',
  }),
];

const meta = {
  title: 'Chat/Parts/AgentPicker',
  component: AgentPicker,
  args: { agents, selected: [] },
} satisfies Meta<typeof AgentPicker>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Nothing chosen: messages go to the conversation's default agents. */
export const None: Story = {
  play: async ({ canvas }) => {
    await expect(canvas.getAllByRole('button')).toHaveLength(4);
    await expect(canvas.getByRole('button', { name: /Research assistant/ })).toBeDisabled();
  },
};

/** Two agents chosen: one message, two answers side by side. */
export const TwoChosen: Story = {
  args: { selected: ['chatbot', 'data-analyst'] },
  play: async ({ canvas, userEvent }) => {
    const code = canvas.getByRole('button', { name: /Code assistant/ });
    await expect(code).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(code);
    await expect(code).toHaveAttribute('aria-pressed', 'true');
    await expect(canvas.getByRole('button', { name: /Chatbot/ })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  },
};

export const Dark: Story = {
  args: { selected: ['code-assistant'] },
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
  },
};

/**
 * Right to left, with Arabic agent names: the chips flow from the right, and each name takes
 * its own direction (`dir="auto"`), so an English name still reads left to right.
 */
export const RightToLeft: Story = {
  name: 'Right to left',
  args: {
    agents: [
      agent('chatbot', 'المساعد'),
      agent('code-assistant', 'Code assistant', { status: 'ready' }, false),
      agent('data-analyst', 'محلل البيانات', {
        status: 'degraded',
        reason: 'فشلت آخر ثلاث محاولات',
      }),
    ],
    selected: ['chatbot'],
  },
  parameters: { dir: 'rtl' },
  play: async ({ canvas, canvasElement }) => {
    const [first, second] = canvas.getAllByRole('button');
    await expect(first).toHaveAttribute('aria-pressed', 'true');
    // The first chip is the rightmost.
    await expect(first!.getBoundingClientRect().left).toBeGreaterThan(
      second!.getBoundingClientRect().right,
    );
    const names = [...canvasElement.querySelectorAll('[data-slot="agent-name"]')];
    await expect(names.map((name) => name.matches(':dir(rtl)'))).toEqual([true, false, true]);
  },
};
