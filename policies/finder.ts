import { CaseState } from '../src/cases/case.entity';
import { AuthenticatedViewer } from '../src/context/viewer';
import { Builder } from './ability';
import { CASE_FOR_FINDER, TRANSITION_PUBLIC_FIELDS, transitionHappened } from './fields';

/**
 * The finder's own withdrawal ends when coordination with the vendors begins (VENDOR_CONTACT). From there on a
 * publication can be scheduled (coordinated from COORDINATING, unable to coordinate from VENDOR_CONTACT), and a
 * scheduled case shows the finder the state it was scheduled from: a withdrawal allowed there would be refused on
 * the scheduled case only, telling the finder a publication is scheduled. Staff still withdraw a case for the finder.
 */
const WITHDRAWABLE = [CaseState.RECEIVED, CaseState.UNDER_ANALYSIS, CaseState.HANDED_OVER];

/** Any person who reported: its own reports and their states, nothing about vendors. */
export function finderPolicy({ can }: Builder, viewer: AuthenticatedViewer, now: Date): void {
  if (!viewer.userId) return;
  can('create', 'Case');
  can('read', 'Case', CASE_FOR_FINDER, { finderUserId: viewer.userId });
  can('read', 'CaseTransition', TRANSITION_PUBLIC_FIELDS, { 'case.finderUserId': viewer.userId, ...transitionHappened(now) });
  // For `transition`, the field is the target state.
  can('transition', 'Case', [CaseState.WITHDRAWN], { finderUserId: viewer.userId, state: { $in: WITHDRAWABLE } });
}
