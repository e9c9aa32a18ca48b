import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '@seren/service-kit';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** which transport was chosen, for the startup log */
  readonly transport: string;
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * The one place the mail transport is chosen: SMTP when SMTP_URL is set, otherwise each message is
 * written to MAIL_DIR as an .eml file and logged (recipient, subject and file; never the body,
 * whose links carry one-time tokens).
 */
export function createMailer(
  options: { smtpUrl?: string; mailDir: string; from: string },
  logger: Logger,
): Mailer {
  if (options.smtpUrl) {
    const transporter: Transporter = nodemailer.createTransport(options.smtpUrl);
    const target = new URL(options.smtpUrl);
    return {
      transport: `smtp ${target.hostname}:${target.port || '25'}`,
      async send(mail) {
        await transporter.sendMail({ from: options.from, ...mail });
        logger.info({ to: mail.to, subject: mail.subject }, 'mail sent');
      },
      close: () => transporter.close(),
    };
  }
  const dir = resolve(options.mailDir);
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    transport: `folder ${dir}`,
    async send(mail) {
      const info = await transporter.sendMail({ from: options.from, ...mail });
      await mkdir(dir, { recursive: true });
      const file = join(
        dir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`,
      );
      await writeFile(file, info.message as Buffer);
      logger.info({ to: mail.to, subject: mail.subject, file }, 'mail written to folder (no SMTP_URL)');
    },
    close: () => transporter.close(),
  };
}
