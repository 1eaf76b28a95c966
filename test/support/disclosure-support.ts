import { signToken } from '../../src/context/authentication';
import { newId } from '../../src/common/columns';
import { User, UserRole } from '../../src/organizations/user.entity';
import { GraphQLResult, Harness } from './harness';

/** Runs an operation with any Authorization header (a user's token or an API key), optionally with a known request id. */
export async function graphqlWith<T = Record<string, unknown>>(
  h: Harness,
  authorization: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
  requestId?: string,
): Promise<GraphQLResult<T>> {
  const viewer = await h.server.authenticator.authenticate(authorization);
  const response = await h.server.apollo.executeOperation<T>({ query, variables }, { contextValue: h.server.contextFor(viewer, { requestId }) });
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not expected');
  return { data: response.body.singleResult.data as T | null | undefined, errors: response.body.singleResult.errors };
}

export async function okWith<T = Record<string, unknown>>(h: Harness, authorization: string | undefined, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await graphqlWith<T>(h, authorization, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** A new active user of `organizationId` and the Authorization header that signs in as it. */
export async function addUser(h: Harness, organizationId: string | null, displayName: string): Promise<{ id: string; authorization: string }> {
  const id = newId();
  await h.db.dataSource.getRepository(User).insert({
    id, email: `${id}@renraku.example`, displayName, organizationId, role: UserRole.MEMBER, active: true, createdAt: h.clock.now(),
  });
  return { id, authorization: `Bearer ${await signToken(h.config, id)}` };
}

export function bearer(h: Harness, persona: keyof Harness['tokens']): string {
  return `Bearer ${h.tokens[persona]}`;
}
