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
 * `thenThrows` matches a DomainError by code and, when given, its `reason` and `details`.
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
        /** matches the DomainError's code, and its `reason` and `details` (e.g. the fields listed) when given */
        thenThrows: (match: { code: string; reason?: string; details?: Record<string, unknown> }) => {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toMatchObject({
            code: match.code,
            ...(match.reason || match.details
              ? {
                  details: expect.objectContaining({
                    ...match.details,
                    ...(match.reason ? { reason: match.reason } : {}),
                  }),
                }
              : {}),
          });
        },
      };
    },
  });
}
