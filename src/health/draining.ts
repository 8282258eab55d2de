import { Injectable } from '@nestjs/common';

/** Whether the instance is going away: from then on readiness answers 503, so balancers stop sending. */
@Injectable()
export class Draining {
  private started = false;

  get active(): boolean {
    return this.started;
  }

  begin(): void {
    this.started = true;
  }
}
