import { conditionsHold, parseSteps, renderTemplate, renderValue, triggerMatches, type Step } from './steps';

const context = {
  contact: {
    email: 'ada@example.com',
    firstName: 'Ada',
    tags: ['vip', 'lead'],
    customFields: { shoe_size: 38 },
  },
  trigger: { tag: ['vip'], status: 'won' },
};

describe('workflow steps', () => {
  it('renders {{contact.*}} and {{trigger.*}} templates; unknown names render empty', () => {
    expect(renderTemplate('Hi {{ contact.firstName }} <{{contact.email}}> {{contact.nope}}!', context)).toBe(
      'Hi Ada <ada@example.com> !',
    );
    expect(renderTemplate('{{contact.customFields.shoe_size}}/{{trigger.status}}', context)).toBe('38/won');
    expect(renderValue({ to: '{{contact.email}}', n: 3, nested: ['{{trigger.status}}'] }, context)).toEqual({
      to: 'ada@example.com',
      n: 3,
      nested: ['won'],
    });
  });

  it('evaluates if/else conditions on contact fields and tags, all or any', () => {
    const step = (match: 'all' | 'any'): Extract<Step, { type: 'if_else' }> => ({
      type: 'if_else',
      match,
      conditions: [
        { field: 'email', operator: 'contains', value: '@example.com' },
        { field: 'tags', operator: 'has_tag', value: 'customer' },
      ],
    });
    expect(conditionsHold(step('all'), context)).toBe(false);
    expect(conditionsHold(step('any'), context)).toBe(true);
    expect(
      conditionsHold(
        { type: 'if_else', match: 'all', conditions: [{ field: 'phone', operator: 'not_exists' }] },
        context,
      ),
    ).toBe(true);
  });

  it("matches a trigger's filters against what fired (any case; a list matches any of its items)", () => {
    expect(triggerMatches({ type: 'contact_tag_added', filters: { tag: 'VIP' } }, context.trigger)).toBe(
      true,
    );
    expect(triggerMatches({ type: 'contact_tag_added', filters: { tag: 'other' } }, context.trigger)).toBe(
      false,
    );
    expect(triggerMatches({ type: 'manual', filters: {} }, {})).toBe(true);
  });

  it('fills defaults and refuses a wait with both or neither of seconds and until', () => {
    expect(
      parseSteps([{ type: 'custom_webhook', method: 'POST', url: 'https://example.com/x' }]).steps,
    ).toEqual([
      {
        type: 'custom_webhook',
        method: 'POST',
        url: 'https://example.com/x',
        headers: [],
        bodyType: 'json',
        timeoutSeconds: 10,
      },
    ]);
    expect(parseSteps([{ type: 'wait' }]).problems).toEqual([
      { field: 'steps[0]', message: expect.stringContaining('one of them') },
    ]);
    expect(parseSteps([{ type: 'teleport' }]).problems[0]!.field).toBe('steps[0].type');
  });
});
