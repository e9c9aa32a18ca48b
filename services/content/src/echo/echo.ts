// The domain-service template's worked example, not a Serelo feature: a message that a Temporal
// workflow answers. It shows the whole path a real workflow feature takes (command → events →
// workflow → activity → events → read model) in the smallest form; copy its shape, not its name.
import { defineEvent, type EventOf } from '@seren/contracts';
import { z } from 'zod';

const id = z.string().min(1);
const at = z.iso.datetime();

// Only this service reads these, so they are handed to its event store (`contracts`) rather than
// listed in @seren/contracts; a real feature's events go in the registry, where consumers find them.
export const EchoRequested = defineEvent({
  type: 'EchoRequested',
  version: 1,
  domain: 'content',
  aggregate: 'echo',
  description: 'The worked example: a message was sent for the echo workflow to answer.',
  schema: z.object({ echoId: id, message: z.string().min(1).max(200), requestedAt: at }),
});

export const EchoReplied = defineEvent({
  type: 'EchoReplied',
  version: 1,
  domain: 'content',
  aggregate: 'echo',
  description: "The worked example: the echo workflow's activity recorded its answer.",
  schema: z.object({ echoId: id, reply: z.string(), repliedAt: at }),
});

export const echoContracts = [EchoRequested, EchoReplied];

export type EchoEvent = EventOf<[typeof EchoRequested, typeof EchoReplied]>;

export const echoStream = (echoId: string) => `echo-${echoId}`;

export type EchoState =
  | { status: 'none' }
  | { status: 'requested'; echoId: string; message: string }
  | { status: 'replied'; echoId: string; message: string; reply: string };

export const initialEchoState = (): EchoState => ({ status: 'none' });

export function evolveEcho(state: EchoState, event: EchoEvent): EchoState {
  switch (event.type) {
    case 'EchoRequested':
      return { status: 'requested', echoId: event.data.echoId, message: event.data.message };
    case 'EchoReplied':
      return state.status === 'none' ? state : { ...state, status: 'replied', reply: event.data.reply };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
