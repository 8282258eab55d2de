import { Injectable } from '@nestjs/common';
import { type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';
import { InvitationsService } from './invitations.service';

/** Invitations stay listed for admins a while after they expire (INVITATION_HISTORY_DAYS), then go. */
@PrunesExpiredData()
@Injectable()
export class ExpiredInvitationsPruner implements ExpiredDataPruner {
  readonly prunes = 'organization invitations';

  constructor(private readonly invitations: InvitationsService) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return this.invitations.pruneExpired(now, batchSize);
  }
}
