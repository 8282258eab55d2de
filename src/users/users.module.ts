import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './entities/user.entity';
import { SecurityEventUserResolver } from './security-event-user.resolver';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Accounts: email, name, password hash and the 2FA switch. Everything else about a user lives in other modules. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersService, UsersRepository, SecurityEventUserResolver],
  exports: [UsersService],
})
export class UsersModule {}
