import { AuthenticatedViewer } from '../src/context/viewer';
import { rolesUpTo, UserRole } from '../src/organizations/user.entity';
import { Builder } from './ability';

/** Every authenticated caller: itself, its organization and colleagues; an organization admin manages its own. */
export function memberPolicy({ can }: Builder, viewer: AuthenticatedViewer): void {
  if (viewer.userId) can('read', 'User', { id: viewer.userId });
  if (viewer.userId) {
    // A person named in an advisory credit sees that credit (not the advisory) and decides whether it is shown.
    can('read', 'AdvisoryCredit', { userId: viewer.userId });
    can('respond', 'AdvisoryCredit', { userId: viewer.userId });
  }
  if (!viewer.organizationId) return;
  can('read', 'Organization', { id: viewer.organizationId });
  can('read', 'User', { organizationId: viewer.organizationId });
  if (viewer.role === UserRole.ADMIN) {
    const grantable = rolesUpTo(viewer.role);
    can(['create', 'update'], 'User', { organizationId: viewer.organizationId, role: { $in: grantable } });
    can('read', 'ApiKey', { organizationId: viewer.organizationId });
    can(['create', 'update'], 'ApiKey', { organizationId: viewer.organizationId, role: { $in: grantable } });
  }
}
