import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * How a service runs several repository calls as one unit without touching the database itself:
 * `run` hands the work a transaction's EntityManager, which the service passes on to each
 * repository method as its `db` argument. Services hold rules; the SQL is in the repositories.
 */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
