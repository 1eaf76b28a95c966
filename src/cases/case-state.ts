import { CaseState } from './case.entity';

/**
 * The case state machine: which target states are legal from each state. Who may take a legal step is a policy
 * (the `transition` action in policies/), and PUBLISHED is reached only by publishing the advisory.
 */
export const CASE_TRANSITIONS: Record<CaseState, readonly CaseState[]> = {
  [CaseState.RECEIVED]: [CaseState.UNDER_ANALYSIS, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.UNDER_ANALYSIS]: [CaseState.HANDED_OVER, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.HANDED_OVER]: [CaseState.VENDOR_CONTACT, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.VENDOR_CONTACT]: [CaseState.COORDINATING, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.COORDINATING]: [CaseState.VENDOR_CONTACT, CaseState.REJECTED, CaseState.WITHDRAWN],
  [CaseState.PUBLISHED]: [CaseState.CLOSED],
  [CaseState.CLOSED]: [],
  [CaseState.REJECTED]: [],
  [CaseState.WITHDRAWN]: [],
};

/** States from which publishing the advisory moves the case to PUBLISHED. */
export const PUBLISHABLE_STATES: readonly CaseState[] = [CaseState.COORDINATING];

export function isLegalTransition(from: CaseState, to: CaseState): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}
