import { AuthenticatedViewer } from '../src/context/viewer';
import { UserRole } from '../src/organizations/user.entity';
import { Builder } from './ability';

/** Coordinator staff run the partnership: everything. Only its admins administer organizations, users and keys. */
export function coordinatorPolicy({ can, cannot }: Builder, viewer: AuthenticatedViewer): void {
  can('manage', 'all');
  // The committee is neutral: its votes, conflict declarations and decisions are its members' own acts.
  cannot(['vote', 'decide'], 'CommitteeReferral');
  cannot('create', ['CommitteeVote', 'CommitteeConflict']);
  if (viewer.role !== UserRole.ADMIN) cannot(['create', 'update'], ['Organization', 'User', 'ApiKey']);
}
