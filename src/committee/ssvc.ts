import { registerEnumType } from 'type-graphql';

/** SSVC decision point "Supplier Involvement" v1.0.0: the state of the supplier's work on the vulnerability. */
export enum SupplierInvolvement {
  FIX_READY = 'FIX_READY',
  COOPERATIVE = 'COOPERATIVE',
  UNCOOPERATIVE_OR_UNRESPONSIVE = 'UNCOOPERATIVE_OR_UNRESPONSIVE',
}
registerEnumType(SupplierInvolvement, { name: 'SupplierInvolvement', description: 'SSVC Supplier Involvement.' });

/** SSVC decision point "Exploitation" v1.1.0. */
export enum Exploitation {
  NONE = 'NONE',
  PUBLIC_POC = 'PUBLIC_POC',
  ACTIVE = 'ACTIVE',
}
registerEnumType(Exploitation, { name: 'Exploitation', description: 'SSVC Exploitation.' });

/** SSVC decision point "Public Value Added" v1.0.0: what a publication by the coordinator adds for the public. */
export enum PublicValueAdded {
  LIMITED = 'LIMITED',
  AMPLIATIVE = 'AMPLIATIVE',
  PRECEDENCE = 'PRECEDENCE',
}
registerEnumType(PublicValueAdded, { name: 'PublicValueAdded', description: 'SSVC Public Value Added.' });

export enum PublicationOutcome {
  PUBLISH = 'PUBLISH',
  DO_NOT_PUBLISH = 'DO_NOT_PUBLISH',
}
registerEnumType(PublicationOutcome, { name: 'PublicationOutcome' });

const S = SupplierInvolvement;
const E = Exploitation;
const V = PublicValueAdded;

/**
 * The 14 of 27 combinations for which CERT/CC's coordinator publication decision table (SSVC, "Publish, Do Not
 * Publish" v1.0.0) says publish. Every other combination says do not publish.
 */
const PUBLISH: ReadonlySet<string> = new Set(
  [
    [S.FIX_READY, E.NONE, V.PRECEDENCE],
    [S.FIX_READY, E.PUBLIC_POC, V.PRECEDENCE],
    [S.FIX_READY, E.ACTIVE, V.AMPLIATIVE],
    [S.FIX_READY, E.ACTIVE, V.PRECEDENCE],
    [S.COOPERATIVE, E.NONE, V.PRECEDENCE],
    [S.COOPERATIVE, E.PUBLIC_POC, V.PRECEDENCE],
    [S.COOPERATIVE, E.ACTIVE, V.AMPLIATIVE],
    [S.COOPERATIVE, E.ACTIVE, V.PRECEDENCE],
    [S.UNCOOPERATIVE_OR_UNRESPONSIVE, E.NONE, V.PRECEDENCE],
    [S.UNCOOPERATIVE_OR_UNRESPONSIVE, E.PUBLIC_POC, V.AMPLIATIVE],
    [S.UNCOOPERATIVE_OR_UNRESPONSIVE, E.PUBLIC_POC, V.PRECEDENCE],
    [S.UNCOOPERATIVE_OR_UNRESPONSIVE, E.ACTIVE, V.LIMITED],
    [S.UNCOOPERATIVE_OR_UNRESPONSIVE, E.ACTIVE, V.AMPLIATIVE],
    [S.UNCOOPERATIVE_OR_UNRESPONSIVE, E.ACTIVE, V.PRECEDENCE],
  ].map((row) => row.join('/')),
);

/** What SSVC's coordinator publication decision suggests for these decision points. Advice for the committee, not its decision. */
export function coordinatorPublicationOutcome(supplier: SupplierInvolvement, exploitation: Exploitation, value: PublicValueAdded): PublicationOutcome {
  return PUBLISH.has([supplier, exploitation, value].join('/')) ? PublicationOutcome.PUBLISH : PublicationOutcome.DO_NOT_PUBLISH;
}
