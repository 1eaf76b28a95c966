import { OrganizationKind } from '../organizations/organization.entity';
import { UserRole } from '../organizations/user.entity';

/** Which policy applies. Organization kinds, plus FINDER (a user without an organization) and PUBLIC (no credentials). */
export type Persona = OrganizationKind | 'FINDER' | 'PUBLIC';

export interface AnonymousViewer {
  kind: 'anonymous';
}

export interface AuthenticatedViewer {
  kind: 'authenticated';
  /** Null when the caller is an organization API key rather than a person. */
  userId: string | null;
  displayName: string;
  organizationId: string | null;
  organizationKind: OrganizationKind | null;
  role: UserRole;
  /** The vendor profile of a VENDOR organization. */
  vendorId: string | null;
  apiKeyId: string | null;
}

export type Viewer = AnonymousViewer | AuthenticatedViewer;

export const ANONYMOUS: AnonymousViewer = { kind: 'anonymous' };

export function personaOf(viewer: Viewer): Persona {
  if (viewer.kind === 'anonymous') return 'PUBLIC';
  return viewer.organizationKind ?? 'FINDER';
}
