import { anonymous, type Caller } from './caller';
import { eventMetadataOf } from './metadata';

const user: Caller = {
  subject: 'user_1',
  kind: 'user',
  organizationId: 'org_1',
  scopes: [],
  permissions: [],
  via: 'session',
};

describe('eventMetadataOf', () => {
  it('records the actor, correlation, trace, organization, client address and user agent of a request', () => {
    expect(
      eventMetadataOf({
        caller: user,
        requestId: 'req-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        clientIp: '203.0.113.5',
        userAgent: 'curl/8.5',
      }),
    ).toEqual({
      actor: 'user:user_1',
      correlationId: 'req-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      organizationId: 'org_1',
      ipAddress: '203.0.113.5',
      userAgent: 'curl/8.5',
    });
  });

  it('names anonymous callers, takes an explicit actor and organization, and leaves out what is unknown', () => {
    expect(eventMetadataOf({ caller: anonymous, requestId: 'req-2' })).toEqual({
      actor: 'anonymous',
      correlationId: 'req-2',
    });
    expect(
      eventMetadataOf(
        { caller: anonymous, requestId: 'req-3' },
        { actor: 'user:u_9', organizationId: 'org_9' },
      ),
    ).toEqual({ actor: 'user:u_9', correlationId: 'req-3', organizationId: 'org_9' });
  });
});
