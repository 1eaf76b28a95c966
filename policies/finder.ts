import { CaseState } from '../src/cases/case.entity';
import { AuthenticatedViewer } from '../src/context/viewer';
import { Builder } from './ability';
import { CASE_FOR_FINDER, TRANSITION_PUBLIC_FIELDS, transitionHappened } from './fields';

const WITHDRAWABLE = [CaseState.RECEIVED, CaseState.UNDER_ANALYSIS, CaseState.HANDED_OVER, CaseState.VENDOR_CONTACT, CaseState.COORDINATING];

/** Any person who reported: its own reports and their states, nothing about vendors. */
export function finderPolicy({ can }: Builder, viewer: AuthenticatedViewer, now: Date): void {
  if (!viewer.userId) return;
  can('create', 'Case');
  can('read', 'Case', CASE_FOR_FINDER, { finderUserId: viewer.userId });
  can('read', 'CaseTransition', TRANSITION_PUBLIC_FIELDS, { 'case.finderUserId': viewer.userId, ...transitionHappened(now) });
  // For `transition`, the field is the target state.
  can('transition', 'Case', [CaseState.WITHDRAWN], { finderUserId: viewer.userId, state: { $in: WITHDRAWABLE } });
}
