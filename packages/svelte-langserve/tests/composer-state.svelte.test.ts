import { describe, expect, it, vi } from 'vitest';
import type { ChatStatus } from '../src/lib/client/index.js';
import { ComposerState } from '../src/lib/components/chat/index.js';

function setup(initial: ChatStatus = 'ready', disabled = false) {
  let status = $state<ChatStatus>(initial);
  const onSend = vi.fn();
  const onStop = vi.fn();
  const composer = new ComposerState({
    status: () => status,
    disabled: () => disabled,
    onSend,
    onStop,
  });
  return { composer, onSend, onStop, setStatus: (next: ChatStatus) => (status = next) };
}

const key = (init: KeyboardEventInit) =>
  new KeyboardEvent('keydown', { cancelable: true, ...init });

describe('ComposerState', () => {
  it('sends on Enter and clears the draft', () => {
    const { composer, onSend } = setup();
    composer.value = 'Hello';
    const event = key({ key: 'Enter' });
    composer.handleKeydown(event);
    expect(onSend).toHaveBeenCalledWith('Hello');
    expect(composer.value).toBe('');
    expect(event.defaultPrevented).toBe(true);
  });

  it('leaves Shift+Enter and IME composition to the text box', () => {
    const { composer, onSend } = setup();
    composer.value = 'Hello';
    const shift = key({ key: 'Enter', shiftKey: true });
    composer.handleKeydown(shift);
    composer.handleKeydown(key({ key: 'Enter', isComposing: true }));
    expect(onSend).not.toHaveBeenCalled();
    expect(shift.defaultPrevented).toBe(false);
  });

  it('does not send blank text, while disabled, or while streaming', () => {
    const blank = setup();
    blank.composer.value = '  \n ';
    expect(blank.composer.submit()).toBe(false);
    const disabled = setup('ready', true);
    disabled.composer.value = 'Hi';
    expect(disabled.composer.submit()).toBe(false);
    const streaming = setup('streaming');
    streaming.composer.value = 'Hi';
    expect(streaming.composer.canSend).toBe(false);
    expect(blank.onSend).not.toHaveBeenCalled();
    expect(disabled.onSend).not.toHaveBeenCalled();
    expect(streaming.onSend).not.toHaveBeenCalled();
  });

  it('stops a streaming answer on Escape, and only then', () => {
    const { composer, onStop, setStatus } = setup('ready');
    composer.handleKeydown(key({ key: 'Escape' }));
    expect(onStop).not.toHaveBeenCalled();
    setStatus('streaming');
    expect(composer.streaming).toBe(true);
    composer.handleKeydown(key({ key: 'Escape' }));
    expect(onStop).toHaveBeenCalledTimes(1);
  });
});
