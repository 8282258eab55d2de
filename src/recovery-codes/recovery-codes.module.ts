import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RecoveryCodeEntity } from './entities/recovery-code.entity';
import { LegacyRecoveryCodesRekeyer } from './legacy-recovery-codes.rekeyer';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { RecoveryCodesService } from './recovery-codes.service';

/** Hashed one-time recovery codes. Its operations are served by the two-factor resolver. */
@Module({
  imports: [TypeOrmModule.forFeature([RecoveryCodeEntity])],
  providers: [RecoveryCodesRepository, RecoveryCodesService, LegacyRecoveryCodesRekeyer],
  exports: [RecoveryCodesService, LegacyRecoveryCodesRekeyer],
})
export class RecoveryCodesModule {}
