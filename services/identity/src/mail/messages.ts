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
