import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string[];
  raw: string;
  subject: string;
  /** the `token` query parameter of the first link, if any */
  token?: string;
}

/** A real SMTP server on a free port that keeps what it receives. */
export async function startMailCatcher() {
  const mails: CapturedMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const unfolded = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '';
        const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(unfolded)?.[1];
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, subject, token });
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** the newest mail to `to` (optionally matching a subject), waiting up to 10 s */
    async waitFor(to: string, subject?: RegExp, after = 0): Promise<CapturedMail> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = mails
          .slice(after)
          .reverse()
          .find((m) => m.to.includes(to.toLowerCase()) && (!subject || subject.test(m.subject)));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} ${subject ?? ''}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type MailCatcher = Awaited<ReturnType<typeof startMailCatcher>>;
