import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import DataPart from '../src/lib/components/message/DataPart.svelte';
import type { DataPart as DataPartData } from '../src/lib/protocol/index.js';

const part = (overrides: Partial<DataPartData>): DataPartData => ({
  type: 'data',
  id: 'index',
  name: 'progress',
  data: { progress: 0.4, label: 'Indexing documents' },
  ...overrides,
});

/** What a node of the agent's graph wrote with `config.writer(...)` (LangGraph's `custom` mode). */
const meta = {
  title: 'Chat/Parts/DataPart',
  component: DataPart,
  args: { part: part({}) },
} satisfies Meta<typeof DataPart>;

export default meta;
type Story = StoryObj<typeof meta>;

/** `{ progress, label }` is a progress bar: "Indexing documents 40 %". */
export const Progress: Story = {
  play: async ({ canvas, canvasElement }) => {
    const bar = canvas.getByRole('progressbar', { name: 'Indexing documents' });
    await expect(bar).toHaveAttribute('aria-valuenow', '40');
    await expect(canvasElement.querySelector('[data-slot="data-part"]')).toHaveAttribute(
      'data-state',
      'working',
    );
    await expect(canvas.getByText('40 %')).toBeVisible();
  },
};

/** Done: a writer's 1 (or more) is 100 %. */
export const ProgressDone: Story = {
  args: { part: part({ data: { progress: 1.2, label: 'Indexed 12 documents' } }) },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    await expect(canvasElement.querySelector('[data-slot="data-part"]')).toHaveAttribute(
      'data-state',
      'done',
    );
  },
};

/** Any other data is readable JSON, as text: markup in it is never HTML. */
export const Json: Story = {
  args: {
    part: part({
      id: 'doc',
      name: 'document',
      data: { title: 'Spec <img src=x onerror="window.pwned=1">', pages: [1, 2] },
    }),
  },
  play: async ({ canvas, canvasElement, userEvent }) => {
    await userEvent.click(canvas.getByText('document'));
    const json = canvasElement.querySelector('[data-slot="data-json"]')!;
    await expect(json).toBeVisible();
    await expect(json).toHaveTextContent(
      '"title": "Spec <img src=x onerror=\\"window.pwned=1\\">"',
    );
    await expect(canvasElement.querySelector('img')).toBeNull();
    await expect((window as { pwned?: number }).pwned).toBeUndefined();
  },
};
