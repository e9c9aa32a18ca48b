import {
  chargeOf,
  decideAgentTask,
  priceOf,
  splitPayment,
  startHoldOf,
  type AgentTaskCommand,
} from './decide.js';
import { evolveAgentTask, initialAgentTaskState, type AgentTaskEvent, type AgentTaskState } from './task.js';

const created: AgentTaskEvent = {
  type: 'AgentTaskCreated',
  data: {
    taskId: 't1',
    publisherId: 'p1',
    publisherSlug: 'research-agent',
    organizationId: 'org1',
    agentId: 'u1',
    a2aEndpointUrl: 'https://agent.example.com',
    input: { role: 'user', messageId: 'input', parts: [{ kind: 'text', text: 'hello' }] },
    asset: 'USDC',
    hourlyRateAtomic: '3600000',
    minChargeAtomic: '10000',
    createdAt: '2026-12-01T10:00:00.000Z',
  },
};

const given = (...events: AgentTaskEvent[]): AgentTaskState =>
  events.reduce(evolveAgentTask, initialAgentTaskState());

const working = (remoteTaskId = 'r1', messageId: string | null = null): AgentTaskCommand => ({
  type: 'RecordRemoteStatus',
  remoteTaskId,
  contextId: 'c1',
  state: 'working',
  message: messageId ? { role: 'agent', messageId, parts: [{ kind: 'text', text: 'on it' }] } : null,
  remoteAt: null,
  now: '2026-12-01T10:00:01.000Z',
});

const finish = (strict: boolean): AgentTaskCommand => ({
  type: 'FinishAgentTask',
  state: 'canceled',
  remoteTaskId: null,
  message: null,
  error: null,
  canceledBy: 'u1',
  strict,
  charge: { durationMs: 60_000, cost: 60_000n, shortfall: 0n, entryId: 'e1' },
  now: '2026-12-01T10:01:00.000Z',
});

describe('agent task pricing', () => {
  const pricing = { asset: 'USDC' as const, hourlyRate: 3_600_000n, minCharge: 10_000n };

  it('charges the run time at the hourly rate, rounded up to the atomic unit', () => {
    expect(priceOf(pricing, 'completed', 60_000)).toBe(60_000n);
    expect(priceOf({ ...pricing, hourlyRate: 1n }, 'completed', 1)).toBe(10_000n);
    expect(priceOf({ ...pricing, minCharge: null, hourlyRate: 1n }, 'completed', 1)).toBe(1n);
  });

  it('charges at least the minimum charge, and a failed or rejected task nothing', () => {
    expect(priceOf(pricing, 'completed', 1_000)).toBe(10_000n);
    expect(priceOf(pricing, 'canceled', 0)).toBe(10_000n);
    expect(priceOf(pricing, 'failed', 600_000)).toBe(0n);
    expect(priceOf(pricing, 'rejected', 600_000)).toBe(0n);
    expect(priceOf({ asset: 'USDC', hourlyRate: null, minCharge: null }, 'completed', 600_000)).toBe(0n);
  });

  it('holds the minimum charge at the start, or a minute at the hourly rate when that is more', () => {
    expect(startHoldOf(pricing)).toBe(60_000n);
    expect(startHoldOf({ ...pricing, minCharge: 100_000n })).toBe(100_000n);
    expect(startHoldOf({ asset: 'USDC', hourlyRate: null, minCharge: null })).toBe(0n);
  });

  it('pays promotional credit first, and what the wallet lacks is the shortfall', () => {
    expect(splitPayment(70n, { funded: 100n, promotional: 50n })).toEqual({
      fromPromotional: 50n,
      fromFunded: 20n,
      shortfall: 0n,
    });
    expect(splitPayment(200n, { funded: 100n, promotional: 50n })).toEqual({
      fromPromotional: 50n,
      fromFunded: 100n,
      shortfall: 50n,
    });
  });

  it('charges no more than the hold and the wallet hold', () => {
    const state = given(created);
    if (state.status === 'none') throw new Error('created');
    expect(chargeOf(state, 'completed', '2026-12-01T11:00:00.000Z', 10_000_000n)).toEqual({
      durationMs: 3_600_000,
      cost: 3_600_000n,
      shortfall: 0n,
    });
    expect(chargeOf(state, 'completed', '2026-12-01T11:00:00.000Z', 1_000_000n)).toEqual({
      durationMs: 3_600_000,
      cost: 1_000_000n,
      shortfall: 2_600_000n,
    });
  });
});

describe('agent task decisions', () => {
  it('given no task, when one is created, then AgentTaskCreated with the pricing as atomic strings', () => {
    const [event] = decideAgentTask(
      {
        type: 'CreateAgentTask',
        taskId: 't1',
        publisherId: 'p1',
        publisherSlug: 'research-agent',
        organizationId: 'org1',
        agentId: 'u1',
        a2aEndpointUrl: 'https://agent.example.com',
        input: created.type === 'AgentTaskCreated' ? created.data.input : (undefined as never),
        pricing: { asset: 'USDC', hourlyRate: 3_600_000n, minCharge: 10_000n },
        now: '2026-12-01T10:00:00.000Z',
      },
      initialAgentTaskState(),
    );
    expect(event).toEqual(created);
  });

  it('given a submitted task, when the remote reports working, then a status change with the remote task id', () => {
    const events = decideAgentTask(working(), given(created));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'AgentTaskStatusChanged',
      data: { state: 'working', remoteTaskId: 'r1' },
    });
  });

  it('given a working task, when the same status comes again (a reconnect), then nothing is recorded', () => {
    const [first] = decideAgentTask(working('r1', 'm1'), given(created));
    expect(decideAgentTask(working('r1', 'm1'), given(created, first!))).toEqual([]);
    expect(decideAgentTask(working('r1', 'm2'), given(created, first!))).toHaveLength(1);
  });

  it('given an artifact recorded, when a snapshot repeats it, then nothing; a live chunk is recorded', () => {
    const artifact = (fromSnapshot: boolean): AgentTaskCommand => ({
      type: 'RecordArtifact',
      artifactId: 'a1',
      name: 'report',
      description: '',
      parts: [{ kind: 'text', text: 'part' }],
      append: false,
      lastChunk: true,
      fromSnapshot,
      now: '2026-12-01T10:00:02.000Z',
    });
    const [recorded] = decideAgentTask(artifact(false), given(created));
    expect(decideAgentTask(artifact(true), given(created, recorded!))).toEqual([]);
    expect(decideAgentTask(artifact(false), given(created, recorded!))).toHaveLength(1);
  });

  it('given a running task, when it is canceled, then AgentTaskFinished with its charge', () => {
    const [event] = decideAgentTask(finish(true), given(created));
    expect(event).toEqual({
      type: 'AgentTaskFinished',
      data: {
        taskId: 't1',
        state: 'canceled',
        remoteTaskId: null,
        message: null,
        error: null,
        canceledBy: 'u1',
        durationMs: 60_000,
        asset: 'USDC',
        costAtomic: '60000',
        shortfallAtomic: '0',
        entryId: 'e1',
        at: '2026-12-01T10:01:00.000Z',
      },
    });
  });

  it('given an ended task, when the caller cancels it, then 400 ALREADY_TERMINAL; the workflow finishing it again records nothing', () => {
    const [ended] = decideAgentTask(finish(false), given(created));
    expect(() => decideAgentTask(finish(true), given(created, ended!))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR', reason: 'ALREADY_TERMINAL' }),
    );
    expect(decideAgentTask(finish(false), given(created, ended!))).toEqual([]);
    expect(decideAgentTask(working(), given(created, ended!))).toEqual([]);
  });

  it('given no task, when its status is recorded, then 404', () => {
    expect(() => decideAgentTask(working(), initialAgentTaskState())).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
