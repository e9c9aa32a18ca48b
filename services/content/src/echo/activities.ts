import type { Content } from '../application.js';
import { replyToEcho } from './service.js';

/** The echo workflow's activities, made from the application context (as Temporal's samples inject dependencies). */
export function echoActivities(content: Content) {
  return {
    replyToEcho: (echoId: string, reply: string) => replyToEcho(content, echoId, reply),
  };
}

export type EchoActivities = ReturnType<typeof echoActivities>;
