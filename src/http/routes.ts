import type { Express } from 'express';
import { registerAdvisoryRoutes } from '../advisories/advisory.routes';
import type { AppDependencies } from './server';

/** Non-GraphQL HTTP routes (exports and feeds). Each domain adds its own here. */
export const registerRoutes: NonNullable<AppDependencies['routes']> = (app: Express, deps) => {
  registerAdvisoryRoutes(app, deps);
};
