import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import { anthropicAgent, demoAgent, fixedAgent, openAiAgent } from './support/config-agents.js';
import { richConfigSchema } from './support/config-schemas.js';
import ConfigPanelHarness from './support/ConfigPanelHarness.svelte';

/** The settings the harness shows as sent with the next message. */
const sent = (canvasElement: HTMLElement) =>
  JSON.parse(canvasElement.querySelector('[data-testid="sent-settings"]')?.textContent ?? 'null');

const meta = {
  title: 'Config/ConfigPanel',
  component: ConfigPanelHarness,
  args: { agents: [openAiAgent], settings: {} },
} satisfies Meta<typeof ConfigPanelHarness>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The offline demo model honours only max tokens (whole numbers, 1 to 4096). */
export const DemoAgent: Story = {
  args: { agents: [demoAgent] },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getAllByRole('slider')).toHaveLength(1);
    const slider = canvas.getByRole('slider', { name: 'Max tokens' });
    await expect(slider).toHaveAttribute('step', '1');
    await expect(slider).toHaveAttribute('max', '4096');
    await expect(sent(canvasElement)).toEqual({});
  },
};

/** An OpenAI-like agent: temperature 0 to 2, top-p and max tokens; only changed values are sent. */
export const OpenAiAgent: Story = {
  play: async ({ canvas, canvasElement, userEvent }) => {
    await expect(canvas.getAllByRole('slider')).toHaveLength(3);
    const temperature = canvas.getByRole('spinbutton', { name: 'Temperature' });
    await expect(temperature).toHaveAttribute('step', '0.01');
    await userEvent.type(temperature, '1.4');
    await waitFor(() => expect(sent(canvasElement)).toEqual({ temperature: 1.4 }));
    await userEvent.click(canvas.getByRole('button', { name: 'Reset Temperature to default' }));
    await waitFor(() => expect(sent(canvasElement)).toEqual({}));
    await expect(canvas.getByRole('slider', { name: 'Temperature' })).toHaveFocus();
  },
};

/**
 * Two agents with different ranges: only the range both accept is offered (temperature 0 to 1),
 * and a value set for the wider one is clamped into it.
 */
export const Intersection: Story = {
  args: {
    agents: [openAiAgent, anthropicAgent],
    settings: { temperature: 1.6, maxTokens: 100_000 },
  },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('slider', { name: 'Temperature' })).toHaveAttribute('max', '1');
    await expect(canvas.getByRole('slider', { name: 'Max tokens' })).toHaveAttribute(
      'max',
      '64000',
    );
    await waitFor(() => expect(sent(canvasElement)).toEqual({ temperature: 1, maxTokens: 64_000 }));
  },
};

/** Nothing shared: the panel says so and sends no settings. */
export const NoSharedSettings: Story = {
  args: { agents: [demoAgent, fixedAgent], settings: { maxTokens: 100 } },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByText('These agents take no settings')).toBeInTheDocument();
    await expect(canvas.queryAllByRole('slider')).toHaveLength(0);
    await waitFor(() => expect(sent(canvasElement)).toEqual({}));
  },
};

export const Dark: Story = {
  args: { agents: [openAiAgent], settings: { temperature: 0.9, maxTokens: 2048 } },
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
  },
};

/**
 * Rendered from an agent's JSON Schema (`config_schema`) instead of `agents`: numbers (slider
 * and box; `multipleOf` is the step), an enum (select), a boolean (toggle) and a string (text
 * box). The array property is skipped. Values go under `config.configurable`.
 */
export const FromSchema: Story = {
  args: { agents: undefined, schema: richConfigSchema, values: {} },
  play: async ({ canvas, canvasElement, userEvent }) => {
    await expect(canvas.getByRole('slider', { name: 'Temperature' })).toHaveAttribute(
      'step',
      '0.05',
    );
    await expect(canvas.getByRole('slider', { name: 'Max sources' })).toBeInTheDocument();
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Search depth' }), 'Quick');
    await userEvent.click(canvas.getByRole('checkbox', { name: 'Cite sources' }));
    await userEvent.type(canvas.getByRole('textbox', { name: 'Persona' }), 'Ada');
    await waitFor(() =>
      expect(sent(canvasElement)).toEqual({
        configurable: { searchDepth: 'quick', citeSources: false, persona: 'Ada' },
      }),
    );
    await expect(canvas.queryByText(/filters/i)).toBeNull();
  },
};

/** The same form in the dark theme, with values set. */
export const FromSchemaDark: Story = {
  args: {
    agents: undefined,
    schema: richConfigSchema,
    values: { temperature: 0.65, searchDepth: 'deep', citeSources: false, persona: 'Ada' },
  },
  parameters: { themeMode: 'dark' },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
    await expect(canvas.getByRole('combobox', { name: 'Search depth' })).toHaveDisplayValue(
      'Deep (slow)',
    );
    await expect(canvas.getByRole('checkbox', { name: 'Cite sources' })).not.toBeChecked();
  },
};

/**
 * Right to left: each field's controls mirror (the slider first, at the right; its number box
 * to the left), and a set value can be reset as in any direction.
 */
export const RightToLeft: Story = {
  name: 'Right to left',
  args: { agents: [openAiAgent], settings: { temperature: 0.9 } },
  parameters: { dir: 'rtl' },
  play: async ({ canvas, canvasElement, userEvent }) => {
    const panel = canvasElement.querySelector('[data-slot="config-panel"]')!;
    await expect(getComputedStyle(panel).direction).toBe('rtl');
    const slider = canvas.getByRole('slider', { name: 'Temperature' });
    const box = canvas.getByRole('spinbutton', { name: 'Temperature' });
    await expect(box.getBoundingClientRect().right).toBeLessThanOrEqual(
      slider.getBoundingClientRect().left,
    );
    await expect(box).toHaveValue(0.9);
    await userEvent.click(canvas.getByRole('button', { name: 'Reset Temperature to default' }));
    await waitFor(() => expect(sent(canvasElement)).toEqual({}));
  },
};
