import { BadUserInputError } from '../errors/errors';
import { AdvisorySeverity } from './advisory.entity';
import { advisorySeverity, assertKnownCweId, cvssV3BaseScore, cvssV4Score, cweName } from './cvss';

const V3_CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V3_LOW = 'CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N';
const V4_CRITICAL = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof BadUserInputError) return error.extensions.field as string;
    throw error;
  }
  return undefined;
}

describe('CVSS and CWE checks', () => {
  it('computes the base scores of complete vectors', () => {
    expect(cvssV3BaseScore(V3_CRITICAL)).toBe(9.8);
    expect(cvssV3BaseScore(V3_LOW)).toBe(1.6);
    expect(cvssV4Score(V4_CRITICAL)).toBe(9.3);
  });

  it('gives a remembered score again, and refuses an invalid vector every time it is asked', () => {
    for (let round = 0; round < 2; round++) {
      expect(cvssV3BaseScore(V3_CRITICAL)).toBe(9.8);
      expect(cvssV4Score(V4_CRITICAL)).toBe(9.3);
      expect(fieldOf(() => cvssV3BaseScore('CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'vector'))).toBe('vector');
      expect(fieldOf(() => cvssV4Score('CVSS:4.0/AV:N', 'other'))).toBe('other');
    }
  });

  it.each([
    ['a v3.0 vector', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['a missing metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'],
    ['an unknown value', 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['an unknown metric', `${V3_CRITICAL}/ZZ:X`],
    ['a repeated metric', `${V3_CRITICAL}/AV:N`],
    ['garbage', 'not a vector'],
  ])('refuses %s as a CVSS v3.1 vector with BAD_USER_INPUT', (_label, vector) => {
    expect(fieldOf(() => cvssV3BaseScore(vector))).toBe('cvssV3Vector');
  });

  it('refuses invalid CVSS v4.0 vectors with BAD_USER_INPUT', () => {
    expect(fieldOf(() => cvssV4Score(V3_CRITICAL))).toBe('cvssV4Vector');
    expect(fieldOf(() => cvssV4Score(V4_CRITICAL.replace('SA:N', 'SA:Z')))).toBe('cvssV4Vector');
    expect(fieldOf(() => cvssV4Score(V4_CRITICAL.replace('/SA:N', '')))).toBe('cvssV4Vector');
  });

  it('rates an advisory by its v4.0 score when it has one, else by its v3.1 base score', () => {
    expect(advisorySeverity(V3_LOW, V4_CRITICAL)).toBe(AdvisorySeverity.CRITICAL);
    expect(advisorySeverity(V3_LOW, null)).toBe(AdvisorySeverity.LOW);
    expect(advisorySeverity(null, null)).toBeNull();
  });

  it('knows CWE weakness names and refuses ids that are not weaknesses', () => {
    expect(cweName('CWE-79')).toBe("Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')");
    expect(() => assertKnownCweId('CWE-352')).not.toThrow();
    expect(fieldOf(() => assertKnownCweId('CWE-99999'))).toBe('cweId');
    expect(fieldOf(() => assertKnownCweId('CWE-16'))).toBe('cweId'); // a category, not a weakness
    expect(fieldOf(() => assertKnownCweId('79'))).toBe('cweId');
  });
});
