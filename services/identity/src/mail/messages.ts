import type { Mail } from './mailer.js';

const link = (consoleUrl: string, path: string, token: string) => {
  const url = new URL(path, consoleUrl.endsWith('/') ? consoleUrl : `${consoleUrl}/`);
  url.searchParams.set('token', token);
  return url.toString();
};

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function message(to: string, subject: string, lines: string[], action: { label: string; url: string }): Mail {
  return {
    to,
    subject,
    text: [
      ...lines,
      '',
      `${action.label}: ${action.url}`,
      '',
      'If you did not expect this message, ignore it.',
    ].join('\n'),
    html:
      lines.map((l) => `<p>${escape(l)}</p>`).join('') +
      `<p><a href="${escape(action.url)}">${escape(action.label)}</a></p><p>If you did not expect this message, ignore it.</p>`,
  };
}

export const verificationMail = (consoleUrl: string, to: string, token: string) =>
  message(to, 'Verify your email address', ['Please confirm that this is your email address.'], {
    label: 'Verify email',
    url: link(consoleUrl, 'verify-email', token),
  });

export const passwordResetMail = (consoleUrl: string, to: string, token: string) =>
  message(to, 'Reset your password', ['Someone asked to reset the password of your account.'], {
    label: 'Reset password',
    url: link(consoleUrl, 'reset-password', token),
  });

export const inviteMail = (
  consoleUrl: string,
  to: string,
  organizationName: string,
  inviterName: string,
  token: string,
) =>
  message(
    to,
    `You are invited to ${organizationName}`,
    [`${inviterName} invited you to join ${organizationName}.`],
    {
      label: 'Accept invite',
      url: link(consoleUrl, 'accept-invite', token),
    },
  );

/** To the old address when an agent sets a new one: a change nobody asked for is seen at once. */
export const emailChangeNoticeMail = (consoleUrl: string, to: string, newEmail: string) =>
  message(
    to,
    'Your email address is being changed',
    [
      `Someone asked to change the email address of your account to ${newEmail}.`,
      'This address stays the account’s address until the new one is verified.',
      'If this was not you, revoke your API keys and sessions now.',
    ],
    { label: 'Open the console', url: new URL(consoleUrl).toString() },
  );

/** To an address another account already uses: the conflict is told to its owner, not to the caller. */
export const emailInUseMail = (consoleUrl: string, to: string) =>
  message(
    to,
    'Someone tried to use your email address',
    [
      'Someone asked to set this email address on another account. It is already the address of an account, so nothing changed.',
    ],
    { label: 'Open the console', url: new URL(consoleUrl).toString() },
  );
