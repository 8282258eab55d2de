import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Gate, runStatement, Statement, type StatementPiece } from '../database/statement';
import { SignInReportEntity } from './entities/sign-in-report.entity';

/** A 'This wasn't me' token's row: the hash of the token mailed, and the sign-in it reports. */
export interface NewSignInReport {
  tokenHash: Buffer;
  userId: string;
  sessionId: string;
  device: string;
  location: string;
  createdAt: Date;
  expiresAt: Date;
}

/** The sign_in_reports table. */
@Injectable()
export class SignInReportsRepository {
  constructor(@InjectRepository(SignInReportEntity) private readonly reports: Repository<SignInReportEntity>) {}

  /** A new-sign-in alert in one statement: its event and, when the alert is mailed, its report token. */
  async recordAlert(report: NewSignInReport | null, events: StatementPiece): Promise<void> {
    const statement = new Statement();
    if (report) {
      statement.with(
        'report',
        `INSERT INTO sign_in_reports (token_hash, user_id, session_id, device, location, created_at, expires_at)
         VALUES (${[report.tokenHash, report.userId, report.sessionId, report.device, report.location, report.createdAt, report.expiresAt].map((value) => statement.value(value)).join(', ')})`,
      );
    }
    events(statement, Gate.ALWAYS);
    await runStatement(this.reports.manager, statement.build());
  }

  /** Deletes the token's row and returns it (DELETE … RETURNING: of two uses, one gets it); undefined when there is none. */
  async take(tokenHash: Buffer, db: EntityManager = this.reports.manager): Promise<Omit<NewSignInReport, 'tokenHash' | 'createdAt'> | undefined> {
    const [rows] = (await db.query(`DELETE FROM sign_in_reports WHERE token_hash = $1 RETURNING user_id, session_id, device, location, expires_at`, [tokenHash])) as [
      Array<{ user_id: string; session_id: string; device: string; location: string; expires_at: Date }>,
      number,
    ];
    const row = rows[0];
    return row && { userId: row.user_id, sessionId: row.session_id, device: row.device, location: row.location, expiresAt: row.expires_at };
  }
}
