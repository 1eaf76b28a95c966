import type { DataSource, Logger, QueryRunner } from 'typeorm';

type Parameters = unknown[] | Record<string, unknown>;

/**
 * A TypeORM logger that counts every statement the data source sends (TypeORM reports each one to its logger
 * before running it, whatever the `logging` option says) and passes everything on to the logger it replaced.
 * Used by the SQL-count tests and the benchmark server to prove that a request's statement count depends on the
 * shape of the query, never on the number of rows.
 */
export class SqlStatementCounter implements Logger {
  /** Statements sent since the counter was installed. */
  statements = 0;

  constructor(private readonly inner: Logger) {}

  logQuery(query: string, parameters?: Parameters, queryRunner?: QueryRunner): void {
    this.statements++;
    this.inner.logQuery(query, parameters, queryRunner);
  }

  logQueryError(error: string | Error, query: string, parameters?: Parameters, queryRunner?: QueryRunner): void {
    this.inner.logQueryError(error, query, parameters, queryRunner);
  }

  logQuerySlow(time: number, query: string, parameters?: Parameters, queryRunner?: QueryRunner): void {
    this.inner.logQuerySlow(time, query, parameters, queryRunner);
  }

  logSchemaBuild(message: string, queryRunner?: QueryRunner): void {
    this.inner.logSchemaBuild(message, queryRunner);
  }

  logMigration(message: string, queryRunner?: QueryRunner): void {
    this.inner.logMigration(message, queryRunner);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, queryRunner?: QueryRunner): void {
    this.inner.log(level, message, queryRunner);
  }

  /** Runs `work` and returns how many statements were sent meanwhile. Only meaningful when nothing else uses the data source at the same time. */
  async count(work: () => Promise<unknown>): Promise<number> {
    const before = this.statements;
    await work();
    return this.statements - before;
  }
}

/** Installs a statement counter on an initialized data source (or returns the one already installed). */
export function countSqlStatements(dataSource: DataSource): SqlStatementCounter {
  if (dataSource.logger instanceof SqlStatementCounter) return dataSource.logger;
  const counter = new SqlStatementCounter(dataSource.logger);
  dataSource.setOptions({ logger: counter });
  return counter;
}
