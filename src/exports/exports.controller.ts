import { Readable } from 'node:stream';
import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { ExportsService } from './exports.service';

/**
 * Downloads, under the same global guard as GraphQL (a bearer token of a full session). Streamed
 * with backpressure: a page is read only once the client has taken the one before.
 */
@Controller('exports/organizations/:organizationId')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('security-events.ndjson')
  async securityEvents(@CurrentSession() session: AuthenticatedSession, @Param('organizationId') organizationId: string, @Res() reply: FastifyReply): Promise<void> {
    const chunks = await this.exports.securityEventsNdjson(session.userId, organizationId);
    send(reply, chunks, 'application/x-ndjson', `security-events-${organizationId}.ndjson`);
  }

  @Get('members-two-factor.csv')
  async membersTwoFactor(@CurrentSession() session: AuthenticatedSession, @Param('organizationId') organizationId: string, @Res() reply: FastifyReply): Promise<void> {
    const chunks = await this.exports.membersTwoFactorCsv(session.userId, organizationId);
    send(reply, chunks, 'text/csv; charset=utf-8', `members-two-factor-${organizationId}.csv`);
  }
}

/**
 * Fastify pipes the stream with backpressure (the next page is read once the client took the one
 * before); if a page fails once the headers are gone, it cuts the answer short, so the file is
 * visibly incomplete.
 */
function send(reply: FastifyReply, chunks: AsyncIterable<string>, contentType: string, filename: string): void {
  reply
    .code(200)
    .header('Content-Type', contentType)
    .header('Content-Disposition', `attachment; filename="${filename}"`)
    .header('Cache-Control', 'no-store')
    .send(Readable.from(chunks, { objectMode: false }));
}
