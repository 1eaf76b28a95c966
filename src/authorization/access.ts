import { AuthChecker, Authorized, Extensions } from 'type-graphql';
import type { RequestContext } from '../context/request-context';
import { UnauthenticatedError } from '../errors/errors';

export type AccessLevel = 'PUBLIC' | 'AUTHENTICATED';

/**
 * Every Query and Mutation field declares who may call it (a test fails when one does not). PUBLIC fields answer
 * anyone and rely on the policies for what they return; AUTHENTICATED fields refuse anonymous callers before any
 * resolver runs. What an authenticated caller may see or change is always decided by the policies.
 */
export function Access(level: AccessLevel): MethodDecorator & PropertyDecorator {
  const marker = Extensions({ access: level });
  if (level === 'PUBLIC') return marker;
  const authorized = Authorized();
  return (target: object, property: string | symbol, descriptor?: PropertyDescriptor) => {
    marker(target, property, descriptor as TypedPropertyDescriptor<unknown>);
    authorized(target, property as string, descriptor as TypedPropertyDescriptor<unknown>);
  };
}

export const authChecker: AuthChecker<RequestContext> = ({ context }) => {
  if (context.viewer.kind !== 'authenticated') throw new UnauthenticatedError('This operation needs credentials');
  return true;
};
