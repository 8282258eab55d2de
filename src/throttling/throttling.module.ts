import { Module } from '@nestjs/common';
import { ThrottlingService } from './throttling.service';

/** Brute-force limits shared by every instance (stored in PostgreSQL). */
@Module({
  providers: [ThrottlingService],
  exports: [ThrottlingService],
})
export class ThrottlingModule {}
