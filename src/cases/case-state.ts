import { Case, CaseState } from './case.entity';

/**
 * The case state machine: which target states are legal from each state. Who may take a legal step is a policy
 * (the `transition` action in policies/), and PUBLISHED is reached only by publishing the advisory: at once, or
 * through PUBLICATION_SCHEDULED, which reads PUBLISHED from its due time (see `effectiveState`) and allows no step before.
 */
export const CASE_TRANSITIONS: Record<CaseState, readonly CaseState[]> = {
  [CaseState.RECEIVED]: [CaseState.UNDER_ANALYSIS, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.UNDER_ANALYSIS]: [CaseState.HANDED_OVER, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.HANDED_OVER]: [CaseState.VENDOR_CONTACT, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.VENDOR_CONTACT]: [CaseState.COORDINATING, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.COORDINATING]: [CaseState.VENDOR_CONTACT, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.PUBLICATION_SCHEDULED]: [],
  [CaseState.PUBLISHED]: [CaseState.CLOSED],
  [CaseState.CLOSED]: [],
  [CaseState.REJECTED]: [],
  [CaseState.WITHDRAWN]: [],
};

/** States from which publishing the advisory moves the case to PUBLISHED. */
export const PUBLISHABLE_STATES: readonly CaseState[] = [CaseState.COORDINATING];

/**
 * Every state a publication can be scheduled from (the coordinated path: COORDINATING; unable to coordinate: also
 * VENDOR_CONTACT): what a scheduled case shows to viewers who may not know of the schedule. State filters rely on
 * this list to know which index ranges a scheduled case can match in (src/cases/shown-state.ts).
 */
export const SCHEDULABLE_FROM: readonly CaseState[] = [CaseState.VENDOR_CONTACT, CaseState.COORDINATING];

export function isLegalTransition(from: CaseState, to: CaseState): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

/**
 * The state of a loaded case at `now` as coordinator staff read it: a scheduled publication is PUBLISHED from its due
 * time on. No job ever rewrites the stored row; the SQL twin of this is `shownStateSql` (src/cases/shown-state.ts).
 */
export function effectiveState(row: Pick<Case, 'state' | 'publicationDueAt'>, now: Date): CaseState {
  const due = row.publicationDueAt !== null && row.publicationDueAt.getTime() <= now.getTime();
  return row.state === CaseState.PUBLICATION_SCHEDULED && due ? CaseState.PUBLISHED : row.state;
}
