import { describe, expect, it } from 'vitest';
import {
  MAX_FEEDBACK_COMMENT_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_USER_ID_LENGTH,
  REQUEST_NAMES,
  fail,
  handshakeAuthSchema,
  parseRequest,
  PROTOCOL_VERSION,
} from '../src/lib/protocol/index.js';

describe('request schemas', () => {
  it('has a schema for every request and rejects non-objects for each', () => {
    expect(REQUEST_NAMES.sort()).toEqual(
      [
        'agents:list',
        'conversations:create',
        'conversations:delete',
        'conversations:invite',
        'conversations:join',
        'conversations:leave',
        'conversations:list',
        'conversations:update',
        'messages:feedback',
        'messages:history',
        'messages:regenerate',
        'messages:send',
        'presence:typing',
        'runs:cancel',
      ].sort(),
    );
    for (const name of REQUEST_NAMES) {
      for (const bad of [null, 'text', 42, [], undefined]) {
        expect(parseRequest(name, bad).ok, `${name} accepted ${JSON.stringify(bad)}`).toBe(false);
      }
    }
  });

  it('accepts a valid send and trims ids', () => {
    const result = parseRequest('messages:send', {
      conversationId: ' c1 ',
      clientMessageId: 'x',
      text: 'Hello',
    });
    expect(result).toEqual({
      ok: true,
      value: { conversationId: 'c1', clientMessageId: 'x', text: 'Hello' },
    });
  });

  it('names every problem with its path', () => {
    const result = parseRequest('messages:send', { conversationId: '', text: 5, extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.join('\n')).toMatch(/conversationId/);
    expect(result.issues.join('\n')).toMatch(/clientMessageId/);
    expect(result.issues.join('\n')).toMatch(/text/);
    expect(result.issues.join('\n')).toMatch(/extra/);
  });

  it('rejects blank and oversized text', () => {
    const base = { conversationId: 'c1', clientMessageId: 'x' };
    expect(parseRequest('messages:send', { ...base, text: '   ' }).ok).toBe(false);
    expect(
      parseRequest('messages:send', { ...base, text: 'a'.repeat(MAX_MESSAGE_LENGTH + 1) }).ok,
    ).toBe(false);
    expect(
      parseRequest('messages:send', { ...base, text: 'a'.repeat(MAX_MESSAGE_LENGTH) }).ok,
    ).toBe(true);
  });

  it('accepts an empty agents:list payload only', () => {
    expect(parseRequest('agents:list', {}).ok).toBe(true);
    expect(parseRequest('agents:list', { all: true }).ok).toBe(false);
  });

  it('validates invitations: user ids are kept as given, blank or oversized ones refused', () => {
    expect(
      parseRequest('conversations:invite', { conversationId: ' c1 ', userId: 'dev:bo' }),
    ).toEqual({
      ok: true,
      value: { conversationId: 'c1', userId: 'dev:bo' },
    });
    const invite = (userId: unknown) =>
      parseRequest('conversations:invite', { conversationId: 'c1', userId }).ok;
    expect(invite(' padded ')).toBe(true);
    expect(invite('  ')).toBe(false);
    expect(invite('')).toBe(false);
    expect(invite(7)).toBe(false);
    expect(invite('u'.repeat(MAX_USER_ID_LENGTH))).toBe(true);
    expect(invite('u'.repeat(MAX_USER_ID_LENGTH + 1))).toBe(false);
  });

  it('validates typing: a boolean, nothing else', () => {
    expect(parseRequest('presence:typing', { conversationId: 'c1', typing: true }).ok).toBe(true);
    expect(parseRequest('presence:typing', { conversationId: 'c1', typing: false }).ok).toBe(true);
    expect(parseRequest('presence:typing', { conversationId: 'c1', typing: 'yes' }).ok).toBe(false);
    expect(parseRequest('presence:typing', { conversationId: 'c1' }).ok).toBe(false);
    expect(
      parseRequest('presence:typing', { conversationId: 'c1', typing: true, userId: 'x' }).ok,
    ).toBe(false);
  });

  it('validates feedback: 1, -1 or null, a bounded comment only with a value', () => {
    const base = { conversationId: 'c1', messageId: 'a1' };
    expect(parseRequest('messages:feedback', { ...base, value: 1 }).ok).toBe(true);
    expect(parseRequest('messages:feedback', { ...base, value: null }).ok).toBe(true);
    const commented = parseRequest('messages:feedback', {
      ...base,
      value: -1,
      comment: '  Wrong year.  ',
    });
    expect(commented).toEqual({ ok: true, value: { ...base, value: -1, comment: 'Wrong year.' } });
    for (const value of [0, 2, '1', true, undefined])
      expect(parseRequest('messages:feedback', { ...base, value }).ok, String(value)).toBe(false);
    const long = 'x'.repeat(MAX_FEEDBACK_COMMENT_LENGTH + 1);
    expect(parseRequest('messages:feedback', { ...base, value: 1, comment: long }).ok).toBe(false);
    expect(parseRequest('messages:feedback', { ...base, value: null, comment: 'no' })).toEqual({
      ok: false,
      issues: ['comment: a comment needs a value'],
    });
    expect(parseRequest('messages:feedback', { ...base, value: 1, extra: true }).ok).toBe(false);
  });

  it('validates the handshake', () => {
    expect(handshakeAuthSchema.safeParse({ protocolVersion: PROTOCOL_VERSION }).success).toBe(true);
    expect(handshakeAuthSchema.safeParse({}).success).toBe(false);
    expect(handshakeAuthSchema.safeParse({ protocolVersion: '1' }).success).toBe(false);
  });

  it('marks only unavailable errors retryable by default', () => {
    expect(fail('unavailable', 'x')).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'x', retryable: true },
    });
    expect(fail('invalid_payload', 'x', { issues: ['a: b'] })).toEqual({
      ok: false,
      error: { code: 'invalid_payload', message: 'x', retryable: false, issues: ['a: b'] },
    });
  });
});
