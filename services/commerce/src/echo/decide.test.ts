import { specOf } from '@seren/testing';
import { echoDecider } from './decide';
import type { EchoEvent } from './echo';

const given = specOf(echoDecider);
const now = '2026-12-01T10:00:00.000Z';
const later = '2026-12-01T10:00:01.000Z';
const requested: EchoEvent = {
  type: 'EchoRequested',
  data: { echoId: 'e1', message: 'hello', requestedAt: now },
};
const replied: EchoEvent = { type: 'EchoReplied', data: { echoId: 'e1', reply: 'hello', repliedAt: later } };

describe('echo (the template worked example)', () => {
  it('records a request with its message trimmed', () =>
    given([]).when({ type: 'RequestEcho', echoId: 'e1', message: '  hello ', now }).then([requested]));

  it('refuses an empty message', () =>
    given([])
      .when({ type: 'RequestEcho', echoId: 'e1', message: '   ', now })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'MESSAGE_EMPTY' }));

  it('refuses a message above 200 characters', () =>
    given([])
      .when({ type: 'RequestEcho', echoId: 'e1', message: 'x'.repeat(201), now })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'MESSAGE_TOO_LONG' }));

  it('refuses a second request on the same echo', () =>
    given([requested])
      .when({ type: 'RequestEcho', echoId: 'e1', message: 'again', now })
      .thenThrows({ code: 'CONFLICT', reason: 'ECHO_EXISTS' }));

  it('records the reply', () =>
    given([requested]).when({ type: 'ReplyToEcho', reply: 'hello', now: later }).then([replied]));

  it('changes nothing when a retried activity replies again', () =>
    given([requested, replied]).when({ type: 'ReplyToEcho', reply: 'hello', now: later }).thenNothing());

  it('refuses a reply to an echo never requested', () =>
    given([]).when({ type: 'ReplyToEcho', reply: 'hello', now }).thenThrows({ code: 'NOT_FOUND' }));
});
