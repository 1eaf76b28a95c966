import { CaseState } from '../src/cases/case.entity';
import { AuthenticatedViewer } from '../src/context/viewer';
import { Builder } from './ability';
import { CASE_ANALYSIS_INPUT, CASE_FOR_RECEIVER, CASE_SUMMARY, TRANSITION_PUBLIC_FIELDS, transitionHappened } from './fields';

const HELD_BY_RECEIVER = [CaseState.RECEIVED, CaseState.UNDER_ANALYSIS];

/** The receiving organization: the reports it registered, in full until handed over, then a read-only summary. */
export function receiverPolicy({ can }: Builder, viewer: AuthenticatedViewer, now: Date): void {
  const registered = { registeredByOrgId: viewer.organizationId };
  const held = { ...registered, state: { $in: HELD_BY_RECEIVER } };
  can('read', 'Case', CASE_SUMMARY, registered);
  can('read', 'Case', CASE_FOR_RECEIVER, held);
  can('update', 'Case', CASE_ANALYSIS_INPUT, held);
  // The state history stays readable; who moved the case and why only while the receiver holds it: after the
  // hand-over the reasons are the coordinator's and vendors' business, not part of the read-only summary.
  can('read', 'CaseTransition', TRANSITION_PUBLIC_FIELDS, { 'case.registeredByOrgId': viewer.organizationId, ...transitionHappened(now) });
  can('read', 'CaseTransition', { 'case.registeredByOrgId': viewer.organizationId, 'case.state': { $in: HELD_BY_RECEIVER }, ...transitionHappened(now) });
  can('transition', 'Case', [CaseState.UNDER_ANALYSIS], { ...registered, state: CaseState.RECEIVED });
  can('transition', 'Case', [CaseState.HANDED_OVER], { ...registered, state: CaseState.UNDER_ANALYSIS });
  can('transition', 'Case', [CaseState.REJECTED], held);
}
