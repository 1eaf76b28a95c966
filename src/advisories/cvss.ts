import { Cvss3P1, Cvss4P0 } from 'ae-cvss-calculator';
import { BadUserInputError } from '../errors/errors';
import { AdvisorySeverity } from './advisory.entity';
import { CWE_NAMES } from './cwe-catalog';

const V3_BASE = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'];
const V4_BASE = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'];

function metricsOf(vector: string, prefix: string): Map<string, string> | null {
  if (!vector.startsWith(`${prefix}/`)) return null;
  const metrics = new Map<string, string>();
  for (const part of vector.slice(prefix.length + 1).split('/')) {
    const [name, value, ...extra] = part.split(':');
    if (!name || !value || extra.length > 0 || metrics.has(name)) return null;
    metrics.set(name, value);
  }
  return metrics;
}

/**
 * Scores of vectors already computed: a score is a pure function of its vector, lists show the same few vectors again
 * and again (a v3.1 base vector has 2,592 possible values), and computing one took about a fifth of a public search
 * request's CPU. Bounded; an invalid vector is never remembered (it throws every time).
 */
const MAX_REMEMBERED_SCORES = 10_000;
const v3Scores = new Map<string, number>();
const v4Scores = new Map<string, number>();

function remembered(scores: Map<string, number>, vector: string, compute: () => number): number {
  let score = scores.get(vector);
  if (score === undefined) {
    score = compute();
    if (scores.size >= MAX_REMEMBERED_SCORES) scores.delete(scores.keys().next().value!);
    scores.set(vector, score);
  }
  return score;
}

/** The CVSS v3.1 base score of a complete vector, or BAD_USER_INPUT naming `field`. */
export function cvssV3BaseScore(vector: string, field = 'cvssV3Vector'): number {
  return remembered(v3Scores, vector, () => computeV3BaseScore(vector, field));
}

function computeV3BaseScore(vector: string, field: string): number {
  const metrics = metricsOf(vector, 'CVSS:3.1');
  if (!metrics || V3_BASE.some((metric) => !metrics.has(metric))) {
    throw new BadUserInputError(`${field} must be a complete CVSS:3.1 vector with ${V3_BASE.join(', ')}`, field);
  }
  try {
    const score = new Cvss3P1(vector).calculateScores().base;
    if (score === undefined) throw new Error('no base score');
    return score;
  } catch (error) {
    throw new BadUserInputError(`${field} is not a valid CVSS:3.1 vector: ${(error as Error).message}`, field);
  }
}

/** The CVSS v4.0 score (CVSS-B with only base metrics) of a complete vector, or BAD_USER_INPUT naming `field`. */
export function cvssV4Score(vector: string, field = 'cvssV4Vector'): number {
  return remembered(v4Scores, vector, () => computeV4Score(vector, field));
}

function computeV4Score(vector: string, field: string): number {
  const metrics = metricsOf(vector, 'CVSS:4.0');
  if (!metrics || V4_BASE.some((metric) => !metrics.has(metric))) {
    throw new BadUserInputError(`${field} must be a complete CVSS:4.0 vector with ${V4_BASE.join(', ')}`, field);
  }
  try {
    return new Cvss4P0(vector).calculateScores().overall;
  } catch (error) {
    throw new BadUserInputError(`${field} is not a valid CVSS:4.0 vector: ${(error as Error).message}`, field);
  }
}

export function severityOf(score: number): 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

export function assertCweId(value: string, field = 'cweId'): void {
  if (!/^CWE-[1-9]\d{0,5}$/.test(value)) throw new BadUserInputError(`${field} must look like CWE-79`, field);
}

/** The advisory's rating: from the CVSS v4.0 score when there is a v4.0 vector, else from the v3.1 base score. */
export function advisorySeverity(cvssV3Vector: string | null, cvssV4Vector: string | null): AdvisorySeverity | null {
  if (cvssV4Vector) return AdvisorySeverity[severityOf(cvssV4Score(cvssV4Vector))];
  if (cvssV3Vector) return AdvisorySeverity[severityOf(cvssV3BaseScore(cvssV3Vector))];
  return null;
}

/** The official name of a CWE weakness, or undefined for ids the catalog does not list (categories, views, unknown). */
export function cweName(cweId: string): string | undefined {
  return CWE_NAMES.get(cweId);
}

/** A published advisory names a weakness that exists: CSAF 2.0 checks the id and its name against the CWE list. */
export function assertKnownCweId(value: string, field = 'cweId'): void {
  assertCweId(value, field);
  if (!cweName(value)) throw new BadUserInputError(`${field} ${value} is not a weakness in the CWE list`, field);
}
