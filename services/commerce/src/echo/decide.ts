import { domainErrorsOf } from '@seren/service-kit/errors';
import { evolveEcho, initialEchoState, type EchoEvent, type EchoState } from './echo.js';

export type EchoCommand =
  | { type: 'RequestEcho'; echoId: string; message: string; now: string }
  | { type: 'ReplyToEcho'; reply: string; now: string };

export type EchoReason = 'MESSAGE_EMPTY' | 'MESSAGE_TOO_LONG' | 'ECHO_EXISTS';
const errors = domainErrorsOf<EchoReason>();

export const MAX_MESSAGE_LENGTH = 200;

export function decideEcho(command: EchoCommand, state: EchoState): EchoEvent[] {
  switch (command.type) {
    case 'RequestEcho': {
      if (state.status !== 'none') throw errors.conflict('echo already requested', { reason: 'ECHO_EXISTS' });
      const message = command.message.trim();
      if (message === '')
        throw errors.validationError('message must not be empty', { reason: 'MESSAGE_EMPTY' });
      if (message.length > MAX_MESSAGE_LENGTH)
        throw errors.validationError(`message must be at most ${MAX_MESSAGE_LENGTH} characters`, {
          reason: 'MESSAGE_TOO_LONG',
        });
      return [{ type: 'EchoRequested', data: { echoId: command.echoId, message, requestedAt: command.now } }];
    }
    case 'ReplyToEcho':
      if (state.status === 'none') throw errors.notFound('echo');
      // Activities run at least once: a retried reply after the first one landed changes nothing.
      if (state.status === 'replied') return [];
      return [
        { type: 'EchoReplied', data: { echoId: state.echoId, reply: command.reply, repliedAt: command.now } },
      ];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const echoDecider = {
  streamType: 'echo',
  initialState: initialEchoState,
  evolve: evolveEcho,
  decide: decideEcho,
};
