import { describe, expect, it } from 'vitest';
import { MAX_CUSTOM_DATA_BYTES, customWriteToEvent } from '../src/runs/custom-events.js';

const ids = () => {
  let n = 0;
  return () => `custom-${(n += 1)}`;
};

describe('customWriteToEvent (config.writer → run events)', () => {
  it('makes { status } a status event, and "" clears it', () => {
    expect(customWriteToEvent({ status: 'Searching documents…' }, ids())).toEqual({
      event: { type: 'status', text: 'Searching documents…' },
    });
    expect(customWriteToEvent({ status: '' }, ids())).toEqual({
      event: { type: 'status', text: '' },
    });
    expect(customWriteToEvent({ status: 3 }, ids())).toEqual({ dropped: 'status is not a string' });
  });

  it('takes id and name out of an object that names its part', () => {
    expect(
      customWriteToEvent(
        { id: 'index', name: 'progress', progress: 0.4, label: 'Indexing' },
        ids(),
      ),
    ).toEqual({
      event: {
        type: 'data',
        id: 'index',
        name: 'progress',
        data: { progress: 0.4, label: 'Indexing' },
      },
    });
    // A name that is not a string stays in the data.
    expect(customWriteToEvent({ id: 'x', name: 7 }, ids())).toEqual({
      event: { type: 'data', id: 'x', data: { name: 7 } },
    });
  });

  it('gives anything else a new id per write', () => {
    const next = ids();
    expect(customWriteToEvent('plain text', next)).toEqual({
      event: { type: 'data', id: 'custom-1', data: 'plain text' },
    });
    expect(customWriteToEvent({ progress: 1 }, next)).toEqual({
      event: { type: 'data', id: 'custom-2', data: { progress: 1 } },
    });
    expect(customWriteToEvent([1, 2], next)).toEqual({
      event: { type: 'data', id: 'custom-3', data: [1, 2] },
    });
  });

  it('drops what is not JSON or too large, and keeps JSON’s own view of the rest', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(customWriteToEvent(circular, ids())).toMatchObject({
      dropped: expect.stringMatching(/^not JSON/),
    });
    expect(customWriteToEvent(() => 1, ids())).toEqual({ dropped: 'not JSON' });
    expect(customWriteToEvent({ big: 'x'.repeat(MAX_CUSTOM_DATA_BYTES) }, ids())).toEqual({
      dropped: `over ${MAX_CUSTOM_DATA_BYTES} bytes of JSON`,
    });
    expect(customWriteToEvent({ at: new Date(0), skip: undefined }, ids())).toEqual({
      event: { type: 'data', id: 'custom-1', data: { at: '1970-01-01T00:00:00.000Z' } },
    });
  });
});
