import { once } from 'node:events';
import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
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
  async securityEvents(@CurrentSession() session: AuthenticatedSession, @Param('organizationId') organizationId: string, @Res() response: Response): Promise<void> {
    const chunks = await this.exports.securityEventsNdjson(session.userId, organizationId);
    await stream(response, chunks, 'application/x-ndjson', `security-events-${organizationId}.ndjson`);
  }

  @Get('members-two-factor.csv')
  async membersTwoFactor(@CurrentSession() session: AuthenticatedSession, @Param('organizationId') organizationId: string, @Res() response: Response): Promise<void> {
    const chunks = await this.exports.membersTwoFactorCsv(session.userId, organizationId);
    await stream(response, chunks, 'text/csv; charset=utf-8', `members-two-factor-${organizationId}.csv`);
  }
}

async function stream(response: Response, chunks: AsyncIterable<string>, contentType: string, filename: string): Promise<void> {
  response.status(200);
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  response.setHeader('Cache-Control', 'no-store');
  try {
    for await (const chunk of chunks) {
      if (response.destroyed) return;
      if (!response.write(chunk)) await once(response, 'drain');
    }
    response.end();
  } catch (error) {
    // Headers are gone: all that is left is to cut the answer short, so the file is visibly incomplete.
    response.destroy(error as Error);
  }
}
