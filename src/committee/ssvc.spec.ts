import { coordinatorPublicationOutcome, Exploitation, PublicationOutcome, PublicValueAdded, SupplierInvolvement } from './ssvc';

// CERT/CC SSVC data/csv/ssvc/coordinator_publish_decision_table_1_0_0.csv, all 27 rows.
const TABLE = `fix ready,none,limited,do not publish
cooperative,none,limited,do not publish
fix ready,public poc,limited,do not publish
fix ready,none,ampliative,do not publish
uncooperative/unresponsive,none,limited,do not publish
cooperative,public poc,limited,do not publish
fix ready,active,limited,do not publish
cooperative,none,ampliative,do not publish
fix ready,public poc,ampliative,do not publish
fix ready,none,precedence,publish
uncooperative/unresponsive,public poc,limited,do not publish
cooperative,active,limited,do not publish
uncooperative/unresponsive,none,ampliative,do not publish
cooperative,public poc,ampliative,do not publish
fix ready,active,ampliative,publish
cooperative,none,precedence,publish
fix ready,public poc,precedence,publish
uncooperative/unresponsive,active,limited,publish
uncooperative/unresponsive,public poc,ampliative,publish
cooperative,active,ampliative,publish
uncooperative/unresponsive,none,precedence,publish
cooperative,public poc,precedence,publish
fix ready,active,precedence,publish
uncooperative/unresponsive,active,ampliative,publish
uncooperative/unresponsive,public poc,precedence,publish
cooperative,active,precedence,publish
uncooperative/unresponsive,active,precedence,publish`;

const SUPPLIER: Record<string, SupplierInvolvement> = {
  'fix ready': SupplierInvolvement.FIX_READY, cooperative: SupplierInvolvement.COOPERATIVE, 'uncooperative/unresponsive': SupplierInvolvement.UNCOOPERATIVE_OR_UNRESPONSIVE,
};
const EXPLOITATION: Record<string, Exploitation> = { none: Exploitation.NONE, 'public poc': Exploitation.PUBLIC_POC, active: Exploitation.ACTIVE };
const VALUE: Record<string, PublicValueAdded> = { limited: PublicValueAdded.LIMITED, ampliative: PublicValueAdded.AMPLIATIVE, precedence: PublicValueAdded.PRECEDENCE };
const OUTCOME: Record<string, PublicationOutcome> = { publish: PublicationOutcome.PUBLISH, 'do not publish': PublicationOutcome.DO_NOT_PUBLISH };

describe("SSVC's coordinator publication decision", () => {
  const rows = TABLE.split('\n').map((line) => line.split(','));

  it('covers every combination of the three decision points once', () => {
    expect(new Set(rows.map((row) => row.slice(0, 3).join('/'))).size).toBe(27);
  });

  it.each(rows)('%s, %s, %s: %s', (supplier, exploitation, value, outcome) => {
    expect(coordinatorPublicationOutcome(SUPPLIER[supplier], EXPLOITATION[exploitation], VALUE[value])).toBe(OUTCOME[outcome]);
  });
});
