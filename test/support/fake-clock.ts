import { Clock } from '../../src/common/clock';

/** A clock that stands still until the test moves it. Starts at the beginning of a TOTP step. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start: Date = new Date('2026-03-02T09:00:00.000Z')) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }

  advanceMinutes(minutes: number): void {
    this.advanceSeconds(minutes * 60);
  }

  set(date: Date): void {
    this.current = date.getTime();
  }

  /** Unix seconds, as TOTP counts them. */
  epochSeconds(): number {
    return Math.floor(this.current / 1000);
  }
}
