import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The database pool's connections and waiting queries, as the pool counts them now (no query). */
export interface PoolCounts {
  total: number;
  idle: number;
  waiting: number;
}

/** Reads the pool TypeORM keeps for the DataSource; zeros before it exists. */
@Injectable()
export class DatabasePoolStats {
  constructor(private readonly dataSource: DataSource) {}

  read(): PoolCounts {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool | undefined;
    return { total: pool?.totalCount ?? 0, idle: pool?.idleCount ?? 0, waiting: pool?.waitingCount ?? 0 };
  }
}
