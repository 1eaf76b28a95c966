import { Core1764180000000 } from './1764180000000-core';

/** Every migration, in order. Migrations are history: add new files, never edit landed ones. */
export const MIGRATIONS = [Core1764180000000];
