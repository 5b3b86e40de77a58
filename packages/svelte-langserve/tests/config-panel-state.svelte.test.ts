import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigPanelState,
  fitSettings,
  sharedSettings,
} from '../src/lib/components/config/index.js';
import type { AgentInfo, AgentSettingsSpec, RunSettings } from '../src/lib/protocol/index.js';
import { agent } from './fixtures.js';

const withSettings = (id: string, settings?: AgentSettingsSpec): AgentInfo => ({
  ...agent,
  id,
  name: id,
  ...(settings ? { settings } : {}),
});

const demo = withSettings('demo', { maxTokens: { min: 1, max: 4096, integer: true } });
const openai = withSettings('openai', {
  temperature: { min: 0, max: 2, default: 0.7 },
  topP: { min: 0, max: 1 },
  maxTokens: { min: 1, max: 128_000, integer: true },
});
const anthropic = withSettings('anthropic', {
  temperature: { min: 0, max: 1, default: 0.7 },
  topP: { min: 0.5, max: 1 },
  maxTokens: { min: 1, max: 64_000, integer: true, default: 4096 },
});
const bare = withSettings('bare');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A panel over reactive agents and settings, inside an effect root (as in a component). */
function setup(initialAgents: AgentInfo[], initialSettings: RunSettings = {}) {
  let agents = $state(initialAgents);
  let settings = $state<RunSettings>(initialSettings);
  const changes: RunSettings[] = [];
  let panel!: ConfigPanelState;
  cleanups.push(
    $effect.root(() => {
      panel = new ConfigPanelState({
        agents: () => agents,
        settings: () => settings,
        onChange: (next) => {
          changes.push(next);
          settings = next;
        },
      });
    }),
  );
  flushSync();
  return {
    panel,
    changes,
    get settings() {
      return settings;
    },
    setAgents(next: AgentInfo[]) {
      agents = next;
      flushSync();
    },
  };
}

describe('sharedSettings', () => {
  it('keeps only settings every agent accepts, with the narrowest range', () => {
    expect(sharedSettings([openai, anthropic])).toEqual([
      { name: 'temperature', min: 0, max: 1, integer: false, step: 0.01, default: 0.7 },
      { name: 'maxTokens', min: 1, max: 64_000, integer: true, step: 1, default: 'mixed' },
      { name: 'topP', min: 0.5, max: 1, integer: false, step: 0.01, default: 'provider' },
    ]);
    expect(sharedSettings([demo, openai]).map((setting) => setting.name)).toEqual(['maxTokens']);
    expect(sharedSettings([openai, bare])).toEqual([]);
    expect(sharedSettings([])).toEqual([]);
  });

  it('uses step 1 and whole limits when any agent wants whole numbers, and drops disjoint ranges', () => {
    const fractional = withSettings('a', { maxTokens: { min: 0.5, max: 10.5 } });
    const whole = withSettings('b', { maxTokens: { min: 0, max: 100, integer: true } });
    expect(sharedSettings([fractional, whole])).toEqual([
      { name: 'maxTokens', min: 1, max: 10, integer: true, step: 1, default: 'provider' },
    ]);
    const low = withSettings('low', { temperature: { min: 0, max: 0.5 } });
    const high = withSettings('high', { temperature: { min: 0.6, max: 1 } });
    expect(sharedSettings([low, high])).toEqual([]);
  });
});

describe('fitSettings', () => {
  it('clamps values into range, rounds whole-number ones, drops unshared ones', () => {
    const shared = sharedSettings([openai, anthropic]);
    expect(fitSettings({ temperature: 1.5, maxTokens: 99_999.4, topP: 0.2 }, shared)).toEqual({
      temperature: 1,
      maxTokens: 64_000,
      topP: 0.5,
    });
    expect(fitSettings({ maxTokens: 12.6, temperature: 0.3 }, sharedSettings([demo]))).toEqual({
      maxTokens: 13,
    });
  });

  it('returns the same object when everything fits', () => {
    const settings = { temperature: 0.5 };
    expect(fitSettings(settings, sharedSettings([openai]))).toBe(settings);
  });
});

describe('ConfigPanelState', () => {
  it('puts only the settings the user changed into settings, and reset removes them', () => {
    const state = setup([openai]);
    expect(state.panel.fields.map((field) => field.name)).toEqual([
      'temperature',
      'maxTokens',
      'topP',
    ]);
    expect(state.changes).toEqual([]);
    state.panel.set('temperature', 1.2);
    expect(state.settings).toEqual({ temperature: 1.2 });
    state.panel.set('maxTokens', 300);
    expect(state.settings).toEqual({ temperature: 1.2, maxTokens: 300 });
    state.panel.reset('temperature');
    expect(state.settings).toEqual({ maxTokens: 300 });
    expect(state.panel.isSet('temperature')).toBe(false);
  });

  it('clamps a value set out of range and rounds whole-number settings', () => {
    const state = setup([openai]);
    state.panel.set('temperature', 5);
    state.panel.set('maxTokens', 10.4);
    expect(state.settings).toEqual({ temperature: 2, maxTokens: 10 });
  });

  it('applies typed values in range at once, waits for commit otherwise', () => {
    const state = setup([anthropic]);
    state.panel.input('topP', '0');
    expect(state.panel.isInvalid('topP')).toBe(true);
    expect(state.settings).toEqual({});
    state.panel.input('topP', '0.75');
    expect(state.panel.isInvalid('topP')).toBe(false);
    expect(state.settings).toEqual({ topP: 0.75 });
    state.panel.input('maxTokens', '12.5');
    expect(state.panel.isInvalid('maxTokens')).toBe(true);
    expect(state.panel.commit('maxTokens', '12.5')).toBe('13');
    expect(state.panel.commit('topP', '3')).toBe('1');
    expect(state.panel.commit('topP', '')).toBe('');
    expect(state.settings).toEqual({ maxTokens: 13 });
  });

  it('clamps or drops settings when the agents change, and keeps them while there are none', () => {
    const state = setup([openai], { temperature: 1.8, topP: 0.2, maxTokens: 100_000 });
    expect(state.changes).toEqual([]);
    state.setAgents([openai, anthropic]);
    expect(state.settings).toEqual({ temperature: 1, topP: 0.5, maxTokens: 64_000 });
    state.setAgents([demo]);
    expect(state.settings).toEqual({ maxTokens: 4096 });
    state.setAgents([]);
    expect(state.panel.noAgents).toBe(true);
    expect(state.settings).toEqual({ maxTokens: 4096 });
    state.setAgents([bare]);
    expect(state.panel.empty).toBe(true);
    expect(state.settings).toEqual({});
  });

  it('places an unset slider on the shared default, else mid-range, and says so', () => {
    const state = setup([openai]);
    const [temperature, maxTokens] = state.panel.fields;
    expect(state.panel.position(temperature!)).toBe(0.7);
    expect(state.panel.valueText(temperature!)).toBe('0.7 (default)');
    expect(state.panel.position(maxTokens!)).toBe(64_001);
    expect(state.panel.valueText(maxTokens!)).toBe("the agent's default");
    state.panel.set('maxTokens', 50);
    expect(state.panel.valueText(maxTokens!)).toBe('50');
    expect(state.panel.text('maxTokens')).toBe('50');
  });
});
