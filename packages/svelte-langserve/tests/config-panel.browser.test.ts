import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { AgentInfo, RunSettings } from '../src/lib/protocol/index.js';
import '../stories/stories.css';
import {
  anthropicAgent,
  demoAgent,
  fixedAgent,
  openAiAgent,
} from '../stories/support/config-agents.js';
import ThemedConfigPanel from '../stories/support/ThemedConfigPanel.svelte';

type Props = Partial<{ agents: AgentInfo[]; settings: RunSettings; mode: 'light' | 'dark' }>;

async function mount(props: Props = {}) {
  let latest: RunSettings = {};
  const screen = await render(ThemedConfigPanel, {
    agents: [openAiAgent],
    ...props,
    onSettings: (settings: RunSettings) => (latest = settings),
  });
  return { screen, settings: () => latest };
}

describe('ConfigPanel (real Chromium)', () => {
  it('moves a slider with the keyboard and updates settings', async () => {
    const { settings } = await mount({ agents: [demoAgent] });
    const slider = page.getByRole('slider', { name: 'Max tokens' });
    await expect.element(slider).toBeVisible();
    expect(settings()).toEqual({});
    (slider.element() as HTMLElement).focus();
    await userEvent.keyboard('{Home}');
    await expect.poll(settings).toEqual({ maxTokens: 1 });
    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    await expect.poll(settings).toEqual({ maxTokens: 3 });
    await expect.element(page.getByRole('spinbutton', { name: 'Max tokens' })).toHaveValue(3);
  });

  it('drags a slider with the pointer', async () => {
    const { settings } = await mount();
    const slider = page.getByRole('slider', { name: 'Temperature' });
    const box = (slider.element() as HTMLElement).getBoundingClientRect();
    // Click three quarters of the way along the 0..2 track.
    await slider.click({ position: { x: box.width * 0.75, y: box.height / 2 } });
    await expect.poll(() => settings().temperature ?? 0).toBeGreaterThan(1.3);
    expect(settings().temperature).toBeLessThan(1.7);
  });

  it('types a value: in range at once, out of range clamped on Enter, empty resets', async () => {
    const { settings } = await mount();
    const input = page.getByRole('spinbutton', { name: 'Temperature' });
    await userEvent.type(input, '1.25');
    await expect.poll(settings).toEqual({ temperature: 1.25 });
    await expect.element(page.getByRole('slider', { name: 'Temperature' })).toHaveValue('1.25');

    await userEvent.clear(input);
    await userEvent.type(input, '7{Enter}');
    await expect.poll(settings).toEqual({ temperature: 2 });
    await expect.element(input).toHaveValue(2);

    await userEvent.clear(input);
    await userEvent.keyboard('{Enter}');
    await expect.poll(settings).toEqual({});
  });

  it('narrows to the shared range and clamps when the agents change', async () => {
    const { screen, settings } = await mount({ settings: { temperature: 1.8, topP: 0.3 } });
    await expect.poll(settings).toEqual({ temperature: 1.8, topP: 0.3 });
    await screen.rerender({ agents: [openAiAgent, anthropicAgent] });
    await expect.poll(settings).toEqual({ temperature: 1, topP: 0.3 });
    await expect
      .element(page.getByRole('slider', { name: 'Temperature' }))
      .toHaveAttribute('max', '1');
    await screen.rerender({ agents: [demoAgent, fixedAgent] });
    await expect.element(page.getByText('These agents take no settings')).toBeVisible();
    await expect.poll(settings).toEqual({});
  });

  it('screenshots light', async () => {
    await mount({ agents: [openAiAgent, anthropicAgent], settings: { temperature: 0.6 } });
    await expect.element(page.getByRole('slider', { name: 'Top-p' })).toBeVisible();
    await page.screenshot({ path: '../test-results/config-panel-light.png' });
  });

  it('screenshots dark', async () => {
    await mount({ agents: [openAiAgent], settings: { maxTokens: 2048 }, mode: 'dark' });
    await expect.element(page.getByRole('slider', { name: 'Top-p' })).toBeVisible();
    await page.screenshot({ path: '../test-results/config-panel-dark.png' });
  });
});
