import { randomUUID } from 'node:crypto';
import { Column, ColumnOptions, PrimaryColumn } from 'typeorm';

/** Ids are random UUIDs: sequential ids would tell a viewer how many objects exist and when they were made. */
export const IdColumn = () => PrimaryColumn({ type: 'varchar', length: 36 });
export const ReferenceColumn = (options: ColumnOptions = {}) => Column({ type: 'varchar', length: 36, ...options });
export const DateTimeColumn = (options: ColumnOptions = {}) => Column({ type: 'datetime', precision: 3, ...options });
export const EnumColumn = (options: ColumnOptions = {}) => Column({ type: 'varchar', length: 32, ...options });

export const newId = (): string => randomUUID();
