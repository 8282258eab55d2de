import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

/** The subject of a verification-code mail, in English or Korean. */
const VERIFICATION_SUBJECT = /verification code|인증번호/i;

/** A real SMTP server in this process that keeps what it receives, for tests to read. */
export class SmtpInbox {
  readonly messages: ReceivedMail[] = [];
  /** While true the server refuses every message, as a mail server that is down would. */
  refusing = false;
  /** How long the server takes to accept a message once it has it (a slow mail server). */
  delayMs = 0;
  /** Messages whose data has started arriving, accepted or not yet. */
  receiving = 0;
  private server!: SMTPServer;
  private port = 0;

  static async start(): Promise<SmtpInbox> {
    const inbox = new SmtpInbox();
    await inbox.listen();
    return inbox;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private listen(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        this.receiving += 1;
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
          if (this.refusing) return callback(new Error('451 mail service unavailable'));
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((mail: ParsedMail) => {
              const to = [mail.to ?? []].flat().flatMap((address) => address.value.map((v) => v.address ?? ''));
              this.messages.push({ to, from: mail.from?.text ?? '', subject: mail.subject ?? '', text: mail.text ?? '', html: String(mail.html || ''), raw });
              callback();
            })
            .catch(callback);
        });
      },
    });
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  /** Waits (up to 5 s of real time) for a message to `to` whose subject (and text, if given) match. */
  async waitFor(to: string, subject: RegExp, after = 0, text?: RegExp): Promise<ReceivedMail> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = this.messages.slice(after).find((m) => m.to.includes(to) && subject.test(m.subject) && (!text || text.test(m.text)));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`No mail to ${to} matching ${subject}; got: ${this.messages.map((m) => `${m.to} "${m.subject}"`).join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The newest verification code mailed to `to`, read from the delivered text. */
  async latestVerificationCode(to: string): Promise<string> {
    const count = this.messages.length;
    const newest = [...this.messages].reverse().find((m) => m.to.includes(to) && VERIFICATION_SUBJECT.test(m.subject));
    const mail = newest ?? (await this.waitFor(to, VERIFICATION_SUBJECT, count));
    const code = /(?:is |는 )(\d{6})/.exec(mail.text)?.[1];
    if (!code) throw new Error(`No code in mail: ${mail.text}`);
    return code;
  }

  countTo(to: string, subject?: RegExp): number {
    return this.messages.filter((m) => m.to.includes(to) && (!subject || subject.test(m.subject))).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
