import type { Express } from 'express';
import type { AppDependencies } from './server';

/** Non-GraphQL HTTP routes (exports and feeds). Each domain adds its own here. */
export const registerRoutes: NonNullable<AppDependencies['routes']> = (_app: Express, _deps) => {
  // Advisory exports and feeds are mounted here (issue: publication formats).
};
