import { randomBytes } from 'node:crypto';
import { packRules } from '@casl/ability/extra';
import { subject } from '@casl/ability';
import { accessibleQuery, findAccessibleById, loadAccessible, managerOf } from '../authorization/accessible';
import { newId } from '../common/columns';
import { API_KEY_PREFIX, hashSecret } from '../context/authentication';
import { inTransaction, RequestContext } from '../context/request-context';
import { personaOf } from '../context/viewer';
import { BadUserInputError, ConflictError, ForbiddenError } from '../errors/errors';
import { ApiKey } from './api-key.entity';
import { Organization } from './organization.entity';
import { CreateApiKeyInput, CreateOrganizationInput, CreateUserInput, UpdateUserInput } from './organization.input';
import { User } from './user.entity';

export function viewerRules(ctx: RequestContext): unknown {
  return packRules(ctx.ability.rules);
}

export function viewerPersona(ctx: RequestContext): string {
  return personaOf(ctx.viewer);
}

export async function listAll<T extends { id: string }>(ctx: RequestContext, target: new () => T, orderBy: keyof T & string): Promise<T[]> {
  const query = accessibleQuery(ctx, target, 'row');
  if (!query) return [];
  return loadAccessible(ctx, target, query.orderBy(`row.${orderBy}`, 'ASC').addOrderBy('row.id', 'ASC').limit(ctx.config.maxPageSize * 10));
}

export async function createOrganization(ctx: RequestContext, input: CreateOrganizationInput): Promise<Organization> {
  if (!ctx.ability.can('create', 'Organization')) throw new ForbiddenError('Only coordinator admins create organizations');
  const organization = { id: newId(), name: input.name, kind: input.kind, createdAt: ctx.now };
  await inTransaction(ctx, (tx) => managerOf(tx).getRepository(Organization).insert(organization).then(() => undefined));
  return findAccessibleById(ctx, Organization, organization.id);
}

function organizationFor(ctx: RequestContext, requested: string | undefined | null): string | null {
  if (requested !== undefined) return requested;
  return ctx.viewer.kind === 'authenticated' ? ctx.viewer.organizationId : null;
}

export async function createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
  const organizationId = organizationFor(ctx, input.organizationId);
  const candidate = { id: newId(), email: input.email.toLowerCase(), displayName: input.displayName, organizationId, role: input.role, active: true, createdAt: ctx.now };
  if (!ctx.ability.can('create', subject('User', { ...candidate }))) throw new ForbiddenError('You may not create this user with this role');
  await inTransaction(ctx, async (tx) => {
    if (organizationId) await managerOf(tx).getRepository(Organization).findOneByOrFail({ id: organizationId }).catch(() => {
      throw new BadUserInputError('organizationId does not name an organization', 'organizationId');
    });
    const users = managerOf(tx).getRepository(User);
    if (await users.exists({ where: { email: candidate.email } })) throw new ConflictError('A user with this e-mail already exists');
    await users.insert(candidate);
  });
  return findAccessibleById(ctx, User, candidate.id);
}

export async function updateUser(ctx: RequestContext, input: UpdateUserInput): Promise<User> {
  await inTransaction(ctx, async (tx) => {
    const current = await findAccessibleById(tx, User, input.userId);
    const next = { ...current, ...(input.role ? { role: input.role } : {}), ...(input.active !== undefined ? { active: input.active } : {}) };
    // Both the user as it is and as it would become must be within the caller's reach: no promotion above oneself.
    if (!tx.ability.can('update', subject('User', { ...current })) || !tx.ability.can('update', subject('User', { ...next }))) {
      throw new ForbiddenError('You may not change this user that way');
    }
    await managerOf(tx).getRepository(User).update({ id: current.id }, { role: next.role, active: next.active });
  });
  return findAccessibleById(ctx, User, input.userId);
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  secret: string;
}

export async function createApiKey(ctx: RequestContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const organizationId = organizationFor(ctx, input.organizationId);
  if (!organizationId) throw new BadUserInputError('An API key belongs to an organization', 'organizationId');
  const prefix = randomBytes(6).toString('hex');
  const secret = `${API_KEY_PREFIX}${prefix}.${randomBytes(24).toString('base64url')}`;
  const key = {
    id: newId(), organizationId, name: input.name, prefix, secretHash: hashSecret(secret), role: input.role,
    createdByUserId: ctx.viewer.kind === 'authenticated' ? ctx.viewer.userId : null, createdAt: ctx.now, lastUsedAt: null, revokedAt: null,
  };
  if (!ctx.ability.can('create', subject('ApiKey', { ...key }))) throw new ForbiddenError('You may not create this API key');
  await inTransaction(ctx, async (tx) => {
    await managerOf(tx).getRepository(Organization).findOneByOrFail({ id: organizationId }).catch(() => {
      throw new BadUserInputError('organizationId does not name an organization', 'organizationId');
    });
    await managerOf(tx).getRepository(ApiKey).insert(key);
  });
  return { apiKey: await findAccessibleById(ctx, ApiKey, key.id), secret };
}

export async function revokeApiKey(ctx: RequestContext, id: string): Promise<ApiKey> {
  await inTransaction(ctx, async (tx) => {
    const key = await findAccessibleById(tx, ApiKey, id);
    if (!tx.ability.can('update', subject('ApiKey', { ...key }))) throw new ForbiddenError('You may not revoke this API key');
    if (!key.revokedAt) await managerOf(tx).getRepository(ApiKey).update({ id }, { revokedAt: tx.now });
  });
  return findAccessibleById(ctx, ApiKey, id);
}
