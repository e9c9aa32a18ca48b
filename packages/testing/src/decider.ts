import type { EventShape } from '@seren/event-store';

export interface PureDecider<S, C, E extends EventShape> {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E | readonly E[];
}

/**
 * given(events).when(command).then(events) / .thenThrows(...), for pure decide/evolve tests:
 *
 *     const given = specOf(contactDecider);
 *     given([contactCreated]).when({ type: 'DeleteContact', ... }).then([contactDeleted]);
 *
 * `thenThrows` matches a DomainError by code and, when given, its `reason`.
 */
export function specOf<S, C, E extends EventShape>(decider: PureDecider<S, C, E>) {
  return (given: E[]) => ({
    when: (command: C) => {
      const run = () => {
        const state = given.reduce(decider.evolve, decider.initialState());
        const out = decider.decide(command, state);
        return Array.isArray(out) ? [...(out as E[])] : [out as E];
      };
      return {
        then: (expected: E[]) => expect(run()).toEqual(expected),
        thenNothing: () => expect(run()).toEqual([]),
        thenThrows: (match: { code: string; reason?: string }) => {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toMatchObject({
            code: match.code,
            ...(match.reason ? { details: expect.objectContaining({ reason: match.reason }) } : {}),
          });
        },
      };
    },
  });
}
