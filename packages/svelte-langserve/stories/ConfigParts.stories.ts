import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import { anthropicAgent, openAiAgent } from './support/config-agents.js';
import { richConfigSchema } from './support/config-schemas.js';
import ConfigPartsHarness from './support/ConfigPartsHarness.svelte';

/** What the harness would send. */
const sent = (canvasElement: HTMLElement) =>
  JSON.parse(canvasElement.querySelector('[data-testid="sent"]')?.textContent ?? 'null');

/** A tool's arguments, as an interrupt asking a person to approve or edit them would show. */
const searchToolSchema = {
  type: 'object',
  properties: {
    query: { type: 'string', title: 'Query', minLength: 1, maxLength: 120 },
    results: { type: 'integer', title: 'Results', minimum: 1, maximum: 10, default: 3 },
    safe: { type: 'boolean', title: 'Safe search', default: true },
    region: { enum: ['us', 'eu', 'asia'], title: 'Region' },
  },
};

const meta = {
  title: 'Config/Parts',
  component: ConfigPartsHarness,
  args: { part: 'agents' },
} satisfies Meta<typeof ConfigPartsHarness>;

export default meta;
type Story = StoryObj<typeof meta>;

/** `AgentSettingsPanel`: the run settings two agents share, in their common range. */
export const AgentSettings: Story = {
  args: { part: 'agents', agents: [openAiAgent, anthropicAgent] },
  play: async ({ canvas, canvasElement, userEvent }) => {
    const panel = canvasElement.querySelector('[data-slot="config-panel"]')!;
    await expect(panel).toHaveAttribute('data-source', 'agents');
    await expect(canvas.getByRole('slider', { name: 'Temperature' })).toHaveAttribute('max', '1');
    await expect(canvas.getByText(/default: differs by agent/)).toBeInTheDocument();
    await userEvent.type(canvas.getByRole('spinbutton', { name: 'Top-p' }), '0.5');
    await waitFor(() => expect(sent(canvasElement)).toEqual({ topP: 0.5 }));
  },
};

/** `SchemaForm`: one built-in part per field kind, from an agent's `config_schema`. */
export const Schema: Story = {
  args: { part: 'schema', schema: richConfigSchema },
  play: async ({ canvas, canvasElement, userEvent }) => {
    await expect(canvasElement.querySelector('[data-slot="config-panel"]')).toHaveAttribute(
      'data-source',
      'schema',
    );
    await userEvent.click(canvas.getByRole('checkbox', { name: 'Cite sources' }));
    await waitFor(() => expect(sent(canvasElement)).toEqual({ citeSources: false }));
  },
};

/** The field registry: booleans rendered by a custom part, every other kind by the built-ins. */
export const CustomFieldPart: Story = {
  args: { part: 'custom', schema: richConfigSchema },
  play: async ({ canvas, canvasElement, userEvent }) => {
    await expect(canvas.queryByRole('checkbox')).toBeNull();
    const toggle = canvas.getByRole('button', { name: 'Cite sources' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(toggle);
    await waitFor(() => expect(sent(canvasElement)).toEqual({ citeSources: false }));
    await expect(canvas.getByRole('combobox', { name: 'Search depth' })).toBeInTheDocument();
  },
};

/**
 * `ConfigForm` over a `ConfigFormState` built from a tool's argument schema: the same parts an
 * interrupt form uses to let a person edit a tool call before it runs.
 */
export const ToolArguments: Story = {
  args: { part: 'tool', schema: searchToolSchema },
  play: async ({ canvas, canvasElement, userEvent }) => {
    await expect(canvas.getByRole('group', { name: 'Arguments for search_web' })).toBeVisible();
    await userEvent.type(canvas.getByRole('textbox', { name: 'Query' }), 'svelte runes');
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Region' }), 'eu');
    await waitFor(() =>
      expect(sent(canvasElement)).toEqual({ query: 'svelte runes', region: 'eu' }),
    );
  },
};

/** The tool form in the dark theme, right to left. */
export const ToolArgumentsDarkRtl: Story = {
  name: 'Tool arguments (dark, right to left)',
  args: { part: 'tool', schema: searchToolSchema },
  parameters: { themeMode: 'dark', dir: 'rtl' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
    const panel = canvasElement.querySelector('[data-slot="config-panel"]')!;
    await expect(getComputedStyle(panel).direction).toBe('rtl');
  },
};
