import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const CODE_IN_SUBJECT = /^Subject: Your verification code: (\d{6})\s*$/m;
const CODE_IN_TEXT = /verification is (\d{6})\./;

/**
 * An SMTP server in the bench process. It keeps only the newest verification code per recipient
 * (read from the Subject line, or from the parsed text if the line is encoded) and counts the rest.
 */
export class BenchSmtpInbox {
  received = 0;
  private readonly codes = new Map<string, string>();
  private readonly waiters = new Map<string, Array<(code: string) => void>>();
  private server!: SMTPServer;
  private port = 0;

  static async start(): Promise<BenchSmtpInbox> {
    const inbox = new BenchSmtpInbox();
    await inbox.listen();
    return inbox;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves with the newest code mailed to `to` (waits up to `timeoutMs`), and forgets it. */
  takeVerificationCode(to: string, timeoutMs = 15_000): Promise<string> {
    const key = to.toLowerCase();
    const code = this.codes.get(key);
    if (code) {
      this.codes.delete(key);
      return Promise.resolve(code);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no verification code mailed to ${to} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiters.get(key) ?? [];
      list.push((received) => {
        clearTimeout(timer);
        resolve(received);
      });
      this.waiters.set(key, list);
    });
  }

  private deliverCode(to: string, code: string): void {
    const waiting = this.waiters.get(to);
    const first = waiting?.shift();
    if (waiting && waiting.length === 0) this.waiters.delete(to);
    if (first) first(code);
    else this.codes.set(to, code);
  }

  private listen(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.received += 1;
          const raw = Buffer.concat(chunks).toString('utf8');
          const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          if (!/verification code/i.test(raw)) return callback();
          const quick = CODE_IN_SUBJECT.exec(raw)?.[1];
          if (quick) {
            for (const to of recipients) this.deliverCode(to, quick);
            return callback();
          }
          simpleParser(raw)
            .then((mail) => {
              const code = CODE_IN_TEXT.exec(mail.text ?? '')?.[1];
              if (code) for (const to of recipients) this.deliverCode(to, code);
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    this.server.on('error', () => undefined);
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
