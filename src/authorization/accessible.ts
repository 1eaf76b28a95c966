import { subject as asSubject } from '@casl/ability';
import { rulesToAST, rulesToCondition } from '@casl/ability/extra';
import { buildAnd, buildOr, CompoundCondition, Condition, FieldCondition } from '@ucast/mongo2js';
import { getMetadataStorage } from 'type-graphql';
import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { recordEmbargoedReads, rememberPreviousFingerprint, selectPreviousReadFingerprint } from '../audit/embargoed-read';
import { rememberShownStatus, selectShownStatus, shownStatusSelection } from '../advisories/shown-status';
import { rememberShownState, selectShownState, shownStateSelection } from '../cases/shown-state';
import type { RequestContext } from '../context/request-context';
import { ForbiddenError, NotFoundError } from '../errors/errors';
import { sharedTranslation } from './shared-translations';
import { conjunctsOf, disjunctsOf, implies, isCompound, reachesRelation, sameCondition, SqlConditionTranslator, SqlFragment, throughRelation, withCommonConjunctsFactored, withoutRedundantDisjuncts } from './sql-condition';

const RULE_FLAG_PREFIX = 'casl_rule_';

export function managerOf(ctx: RequestContext): EntityManager {
  return ctx.manager ?? ctx.dataSource.manager;
}

/**
 * The SQL predicate under which `alias` (an entity of `target`) may be acted on by the viewer: CASL's rules for
 * `action` on the entity's subject type, flattened with rule priority by `rulesToAST`. Null means nothing is
 * permitted, so callers answer "empty" without a query.
 */
export interface PolicyCondition extends SqlFragment {
  condition: Condition;
  /**
   * The SQL is a set of keys the viewer's own rows lead to (`alias.id IN (SELECT key ... UNION ALL ...)`): the
   * database materializes every key and reads each row, so an ordered page of it reads all of them anyway.
   */
  keySet: boolean;
}

export function policyCondition(ctx: RequestContext, target: EntityTarget<ObjectLiteral>, alias: string, action = 'read'): PolicyCondition | null {
  const metadata = ctx.dataSource.getMetadata(target);
  // Keyed by the ability object itself, which is built per request and per view (the public view of a request has
  // its own), so a translation is reused only under the very rules it was made from.
  let translations = translationsByAbility.get(ctx.ability);
  if (!translations) translationsByAbility.set(ctx.ability, (translations = new Map()));
  const key = `${action}\u0000${metadata.name}\u0000${alias}`;
  if (translations.has(key)) return translations.get(key)!;
  const translated = sharedTranslation(ctx, action, metadata.name, `rows\u0000${alias}`, () => {
    const ast = rulesToAST(ctx.ability, action, metadata.name);
    if (!ast) return null;
    const translator = new SqlConditionTranslator(ctx.dataSource);
    const { sql, keySet } = translator.translateRowFilterAndForm(ast, metadata, alias);
    return { sql, params: translator.params, condition: ast, keySet };
  });
  translations.set(key, translated);
  return translated;
}

const translationsByAbility = new WeakMap<object, Map<string, PolicyCondition | null>>();

/** True when the viewer may read every row of the subject and every field of it (no condition, no field list). */
export function readsEveryRow(ctx: RequestContext, subjectType: string): boolean {
  const rules = ctx.ability.rulesFor('read', subjectType);
  return rules.length > 0 && rules.every((rule) => !rule.inverted) && rules.some((rule) => !rule.conditions && !rule.fields);
}

/** The read predicate each accessible query was built with, so a field restriction equal to it is not added twice. */
const readPredicates = new WeakMap<object, { alias: string; condition: Condition }>();

/**
 * A query over the rows of `target` the viewer may read, with the predicate already in its WHERE, plus the
 * per-rule match flags needed to mask fields row by row. Returns null when the viewer may read no row at all.
 */
export function accessibleQuery<T extends ObjectLiteral>(
  ctx: RequestContext,
  target: EntityTarget<T>,
  alias: string,
  action = 'read',
  options: { drivenByKeys?: boolean } = {},
): SelectQueryBuilder<T> | null {
  const condition = policyCondition(ctx, target, alias, action);
  if (!condition) return null;
  const where = options.drivenByKeys ? checkedPerKeyedRow(condition.sql) : condition.sql;
  const query = managerOf(ctx).createQueryBuilder(target, alias).where(where, condition.params);
  if (action === 'read') readPredicates.set(query, { alias, condition: condition.condition });
  // A read's rows all satisfy the read predicate (its WHERE), which the flags may rely on.
  addFieldRuleFlags(ctx, query, target, alias, action === 'read');
  return query;
}

/**
 * A predicate for a statement that selects its rows by a short list of keys (a DataLoader batch, a page of ids), to
 * be tested on those rows only, when it holds a subquery. MySQL and MariaDB turn a top-level EXISTS or IN predicate
 * into a semi-join and may then drive the query from the policy's side (every case row of a vendor, say) instead of
 * from the keys: measured at 10k cases, 20 ms instead of 2 ms per batch. Under OR it is no semi-join, but MariaDB still turns an EXISTS into
 * an IN over a materialized set: every row the policy admits (all of a vendor's case rows), read for each batch, so
 * the cost grew with the vendor's size instead of the batch's. Inside a CASE it is neither, and is looked up per
 * row (0.3-0.4 ms less for a vendor's 188 contact attempts at 10k). NULL and false are both "no", as in a WHERE.
 */
export function checkedPerKeyedRow(predicate: string): string {
  // Without a subquery there is no semi-join to avoid, and the bare predicate can use an index with the keys: a
  // vendor's own case_vendor rows by (caseId, vendorId) instead of every row of the batch's cases tested in a CASE
  // (1.24 -> 1.04 ms per batch at 10k). Parameters are bound, so SELECT in the text is the translator's own.
  if (!/\bSELECT\b/i.test(predicate)) return `(${predicate})`;
  return testedPerRow(predicate);
}

/** A predicate no planner can use to choose an index or a join order: tested on each row the rest of the statement reads. */
export function testedPerRow(predicate: string): string {
  return `(CASE WHEN ${predicate} THEN 1 ELSE 0 END) = 1`;
}

/** What the helpers below need of a query under construction: a query builder or a PlainSelect. */
export interface ConditionSink {
  andWhere(sql: string, params?: ObjectLiteral): unknown;
  setParameters(params: ObjectLiteral): unknown;
}

/**
 * A read of one entity's rows built as plain SQL: the WHERE as a list of conditions on `alias` with named parameters
 * (`:name`, `:...list`), run through the driver's own parameter expansion. For the hot list reads (case dashboards and
 * portals): the query builder's SQL assembly (property-name rewriting over the whole statement, entity grouping) cost
 * more than the queries themselves. Conditions are the same strings the query builder would get.
 */
export class PlainSelect<T extends ObjectLiteral = ObjectLiteral> implements ConditionSink {
  readonly conditions: string[] = [];
  readonly params: Record<string, unknown> = {};

  constructor(
    readonly target: EntityTarget<T>,
    readonly alias: string,
    /** Its rows are a set of keys the viewer's own rows lead to (PolicyCondition.keySet), narrowed by the other conditions. */
    readonly keySet = false,
  ) {}

  andWhere(sql: string, params?: ObjectLiteral): this {
    this.conditions.push(sql);
    if (params) Object.assign(this.params, params);
    return this;
  }

  setParameters(params: ObjectLiteral): this {
    Object.assign(this.params, params);
    return this;
  }

  /** The WHERE clause: every condition, each in parentheses. */
  whereSql(extra: string[] = []): string {
    const all = [...this.conditions, ...extra];
    return all.length === 0 ? '1 = 1' : all.map((condition) => `(${condition})`).join(' AND ');
  }
}

/** The rows of `target` the viewer may read, as a PlainSelect (null when it may read none); see accessibleQuery. */
export function accessibleSelect<T extends ObjectLiteral>(ctx: RequestContext, target: EntityTarget<T>, alias: string): PlainSelect<T> | null {
  const condition = policyCondition(ctx, target, alias);
  if (!condition) return null;
  const select = new PlainSelect(target, alias, condition.keySet).andWhere(condition.sql, condition.params);
  readPredicates.set(select, { alias, condition: condition.condition });
  return select;
}

/** True for a PlainSelect made by accessibleSelect, whose WHERE holds the viewer's read predicate. */
export function holdsReadPredicate(select: PlainSelect): boolean {
  return readPredicates.get(select)?.alias === select.alias;
}

/** The same predicate for use inside another query (a relation filter, an EXISTS, a count). */
export function accessibleSubquerySql(ctx: RequestContext, target: EntityTarget<ObjectLiteral>, alias: string, query: ConditionSink): string {
  const condition = policyCondition(ctx, target, alias);
  if (!condition) return '1 = 0';
  query.setParameters(condition.params);
  return condition.sql;
}

/**
 * True when a row of `child` is readable whenever the row its many-to-one `relation` points to is: the child's read
 * condition follows from the parent's read condition taken through the relation (a vendor's contact attempts are
 * those of its own notified case_vendor rows). A statement that reads child rows only as the related rows of parent
 * rows already held to the parent's read predicate then needs no predicate of the child's own. Judged on the shape of
 * the two condition trees (`implies`): false whenever the shape does not show it, and the child's predicate stays.
 */
export function readableThroughParent(ctx: RequestContext, child: EntityMetadata, relation: string): boolean {
  let known = throughParentByAbility.get(ctx.ability);
  if (!known) throughParentByAbility.set(ctx.ability, (known = new Map()));
  const key = `${child.name}\u0000${relation}`;
  let readable = known.get(key);
  if (readable === undefined) {
    const parent = child.findRelationWithPropertyPath(relation);
    if (!parent || !parent.isManyToOne) throw new Error(`${child.name}.${relation} is not a many-to-one relation`);
    const childCondition = rulesToAST(ctx.ability, 'read', child.name);
    const parentCondition = rulesToAST(ctx.ability, 'read', parent.inverseEntityMetadata.name);
    const throughParent = parentCondition ? throughRelation(parentCondition, relation) : null;
    readable = Boolean(childCondition && throughParent && implies(throughParent, childCondition));
    known.set(key, readable);
  }
  return readable;
}

const throughParentByAbility = new WeakMap<object, Map<string, boolean>>();

function fieldRestrictedRules(ctx: RequestContext, subjectType: string) {
  const rules = ctx.ability.possibleRulesFor('read', subjectType);
  return rules.some((rule) => rule.fields) ? rules : null;
}

export interface FieldRuleFlags {
  /** The columns to select: `CASE WHEN <rule's conditions> THEN 1 ELSE 0 END`, or one for a group of rules (bits). */
  flags: { sql: string; name: string }[];
  params: Record<string, unknown>;
  /** Where the match of each conditional rule (by its position among the read rules) is read: a column, and its bit. */
  reads: ({ name: string; bit: number | null } | undefined)[];
}

const flagsByAbility = new WeakMap<object, Map<string, FieldRuleFlags | null>>();

/**
 * The per-rule match flags of a field-restricted subject type (null when no rule restricts fields), per ability.
 *
 * With `underReadPredicate`, the flags are for a statement whose every row satisfies the viewer's read predicate
 * (its WHERE or its join's ON holds it), and use that to skip work the database would repeat per row: a rule whose
 * condition is the predicate itself holds on every such row; a rule that is part of the predicate's disjuncts holds
 * whenever none of the others does, so it is tested only on rows another disjunct admitted (worth it when the others
 * read only the row, and the rule reads another table); a rule that adds conditions to one of those is tested only
 * where its additions hold. For a vendor: its contact attempts' rule is the predicate (no lookup per attempt), and
 * its case rules ("notified of the case", "… and the finder consented") are looked up only on cases it sees as their
 * finder. For an operator, the rule of its live grants is looked up only on published advisories.
 *
 * Rules left that each ask for a related row of the same to-many relation with a shared keyed core (an operator's
 * section rules: a live grant of its organization that shares the overview, …, the impact) are read together, one
 * subquery per row whose bits are the rules' flags (translateRelatedRowTests). Each flag still says exactly whether
 * the rule's condition holds on the row.
 */
export function fieldRuleFlags(ctx: RequestContext, metadata: EntityMetadata, alias: string, underReadPredicate = false): FieldRuleFlags | null {
  let cached = flagsByAbility.get(ctx.ability);
  if (!cached) flagsByAbility.set(ctx.ability, (cached = new Map()));
  const key = `${metadata.name}\u0000${alias}\u0000${underReadPredicate}`;
  if (cached.has(key)) return cached.get(key)!;
  // Flags are named by the rule's position among possibleRulesFor('read'), which the shared key covers.
  const purpose = `${underReadPredicate ? 'flagsUnderRead' : 'flags'}\u0000${alias}`;
  const result = sharedTranslation(ctx, 'read', metadata.name, purpose, () => {
    const rules = fieldRestrictedRules(ctx, metadata.name);
    if (!rules) return null;
    const readable = underReadPredicate ? rulesToAST(ctx.ability, 'read', metadata.name) : null;
    const predicate = readable ? withoutRedundantDisjuncts(readable) : null;
    const translator = new SqlConditionTranslator(ctx.dataSource);
    const flags: FieldRuleFlags = { flags: [], params: translator.params, reads: [] };
    const lookedUp: number[] = [];
    rules.forEach((rule, index) => {
      if (!rule.conditions) return;
      const known = predicate ? flagUnderPredicate(translator, rule.ast!, predicate, metadata, alias) : null;
      if (known === null) lookedUp.push(index);
      else addFlag(flags, index, known);
    });
    const grouped = new Set<number>();
    for (const group of relatedRowGroups(translator, lookedUp.map((index) => ({ index, condition: rules[index].ast! })), metadata)) {
      const name = `${RULE_FLAG_PREFIX}group_${group.members[0].index}`;
      flags.flags.push({ sql: translator.translateRelatedRowTests(group.field, group.core, group.members.map((member) => member.test), metadata, alias), name });
      group.members.forEach((member, bit) => {
        flags.reads[member.index] = { name, bit };
        grouped.add(member.index);
      });
    }
    for (const index of lookedUp) if (!grouped.has(index)) addFlag(flags, index, flagOf(translator, rules[index].ast!, metadata, alias));
    return flags;
  });
  cached.set(key, result);
  return result;
}

function addFlag(flags: FieldRuleFlags, index: number, sql: string): void {
  const name = `${RULE_FLAG_PREFIX}${index}`;
  flags.flags.push({ sql, name });
  flags.reads[index] = { name, bit: null };
}

/** At most this many rules share a group's value, so its bits stay exact in a double. */
const MAX_GROUP_BITS = 30;

interface RelatedRowGroup {
  field: string;
  core: Condition;
  members: { index: number; test: Condition | null }[];
}

/**
 * Groups of at least two rules, each of which asks for a related row of the same to-many relation, that share
 * conjuncts with an indexed equality (the core: `organizationId = :viewer's` and the grant's liveness, say). A rule
 * `field: { $elemMatch: core and test }` holds where some related row has the core and its own test.
 */
function relatedRowGroups(translator: SqlConditionTranslator, candidates: { index: number; condition: Condition }[], metadata: EntityMetadata): RelatedRowGroup[] {
  const byField = new Map<string, { index: number; conjuncts: Condition[] }[]>();
  for (const { index, condition } of candidates) {
    const through = throughOneToManyRelation(condition, metadata);
    if (through) byField.set(through.field, [...(byField.get(through.field) ?? []), { index, conjuncts: through.conjuncts }]);
  }
  const groups: RelatedRowGroup[] = [];
  for (const [field, all] of byField) {
    const related = metadata.findRelationWithPropertyPath(field)!.inverseEntityMetadata;
    for (let start = 0; start + 1 < all.length; start += MAX_GROUP_BITS) {
      const members = all.slice(start, start + MAX_GROUP_BITS);
      const [first, ...others] = members;
      const core = first.conjuncts.filter((conjunct) => others.every((other) => other.conjuncts.some((candidate) => sameCondition(candidate, conjunct))));
      if (core.length === 0 || !translator.isKeyed(new CompoundCondition('and', core), related)) continue;
      groups.push({
        field,
        core: core.length === 1 ? core[0] : new CompoundCondition('and', core),
        members: members.map(({ index, conjuncts }) => {
          const rest = conjuncts.filter((conjunct) => !core.some((shared) => sameCondition(shared, conjunct)));
          return { index, test: rest.length === 0 ? null : rest.length === 1 ? rest[0] : new CompoundCondition('and', rest) };
        }),
      });
    }
  }
  return groups;
}

/** `condition` as "some row of the to-many relation `field` has all of `conjuncts`", when it is one; else null. */
function throughOneToManyRelation(condition: Condition, metadata: EntityMetadata): { field: string; conjuncts: Condition[] } | null {
  const parts = disjunctsOf(condition);
  const fields = parts.map((part) => (isCompound(part) || (part as FieldCondition).operator !== 'elemMatch' ? null : (part as FieldCondition)));
  const field = fields[0]?.field;
  if (!field || field.includes('.') || fields.some((each) => each?.field !== field)) return null;
  const relation = metadata.findRelationWithPropertyPath(field);
  if (!relation || relation.isManyToOne || relation.isOneToOneOwner) return null;
  // "Some row has A, or some row has B" is "some row has A or B".
  const inner = withCommonConjunctsFactored(fields.map((each) => each!.value as Condition));
  return { field, conjuncts: conjunctsOf(inner) };
}

function flagOf(translator: SqlConditionTranslator, condition: Condition, metadata: EntityMetadata, alias: string): string {
  return `CASE WHEN ${translator.translate(condition, metadata, alias)} THEN 1 ELSE 0 END`;
}

/** `flagOf(condition)` on rows that satisfy `predicate` (see fieldRuleFlags), or null when the predicate does not help. */
function flagUnderPredicate(translator: SqlConditionTranslator, condition: Condition, predicate: Condition, metadata: EntityMetadata, alias: string): string | null {
  const disjuncts = disjunctsOf(predicate);
  const underDisjuncts = (part: Condition): string | null => {
    if (sameCondition(part, predicate)) return '1';
    const covered = disjunctsOf(part);
    if (!covered.every((each) => disjuncts.some((disjunct) => sameCondition(disjunct, each)))) return null;
    const others = disjuncts.filter((disjunct) => !covered.some((each) => sameCondition(each, disjunct)));
    if (others.length === 0) return '1';
    if (!reachesRelation(part, metadata) || others.some((other) => reachesRelation(other, metadata))) return null;
    // CASE WHEN treats an unknown (NULL) test like false: where no other disjunct is true, this part must be.
    return `CASE WHEN ${translator.translate(buildOr(others), metadata, alias)} THEN ${flagOf(translator, part, metadata, alias)} ELSE 1 END`;
  };
  const whole = underDisjuncts(condition);
  if (whole) return whole;
  if (isCompound(condition) && (condition as CompoundCondition).operator === 'and') {
    const conjuncts = (condition as CompoundCondition).value;
    for (const [index, conjunct] of conjuncts.entries()) {
      const known = underDisjuncts(conjunct);
      if (!known) continue;
      const rest = conjuncts.filter((_conjunct, other) => other !== index);
      if (rest.length === 0) return known;
      return `CASE WHEN ${translator.translate(buildAnd(rest), metadata, alias)} THEN ${known === '1' ? '1' : `(${known})`} ELSE 0 END`;
    }
  }
  return null;
}

/** The flags each accessible query selected, for loadAccessible to mask its rows with. */
const flagsOfQuery = new WeakMap<object, FieldRuleFlags>();

function addFieldRuleFlags<T extends ObjectLiteral>(ctx: RequestContext, query: SelectQueryBuilder<T>, target: EntityTarget<T>, alias: string, underReadPredicate: boolean): void {
  const flags = fieldRuleFlags(ctx, ctx.dataSource.getMetadata(target), alias, underReadPredicate);
  if (!flags) return;
  for (const flag of flags.flags) query.addSelect(flag.sql, flag.name);
  query.setParameters(flags.params);
  flagsOfQuery.set(query, flags);
}

/**
 * Sets to null every column the viewer may not read on that particular row, exactly as CASL's `permittedFieldsOf`
 * would, except that each rule's conditions were evaluated by the database (the flags) instead of in memory,
 * because rules may depend on relations the row does not carry.
 */
export function maskRow<T extends ObjectLiteral>(
  ctx: RequestContext,
  subjectType: string,
  columns: string[],
  entity: T,
  raw: Record<string, unknown>,
  flags: FieldRuleFlags | null | undefined,
  flagPrefix = '',
): T {
  const rules = fieldRestrictedRules(ctx, subjectType);
  if (!rules) return entity;
  let matched = '';
  for (let index = 0; index < rules.length; index++) matched += !rules[index].conditions || ruleMatched(flags?.reads[index], raw, flagPrefix) ? '1' : '0';
  const masked = entity as Record<string, unknown>;
  for (const column of hiddenColumns(rules, columns, matched)) masked[column] = null;
  return entity;
}

/** A conditional rule matched the row when its flag (or its bit of a group's value) is 1; a flag not selected never matches. */
function ruleMatched(read: FieldRuleFlags['reads'][number], raw: Record<string, unknown>, flagPrefix: string): boolean {
  if (!read) return false;
  const value = Number(raw[`${flagPrefix}${read.name}`]);
  return read.bit === null ? value === 1 : Math.floor(value / 2 ** read.bit) % 2 === 1;
}

type ReadRules = NonNullable<ReturnType<typeof fieldRestrictedRules>>;

/** The columns hidden from a row that matches exactly the rules marked '1' in `matched`, as permittedFieldsOf decides. */
function hiddenColumns(rules: ReadRules, columns: string[], matched: string): string[] {
  // Rows of a page mostly match the same rules: decided once per combination. `rules` is CASL's own array for the
  // ability, subject and action, so the answer depends on nothing else.
  let byColumns = hiddenByRules.get(rules);
  if (!byColumns) hiddenByRules.set(rules, (byColumns = new WeakMap()));
  let byMatch = byColumns.get(columns);
  if (!byMatch) byColumns.set(columns, (byMatch = new Map()));
  let hidden = byMatch.get(matched);
  if (!hidden) {
    const permitted = new Set<string>();
    for (let index = rules.length - 1; index >= 0; index--) {
      if (matched[index] !== '1') continue;
      const rule = rules[index];
      for (const field of rule.fields ?? columns) {
        if (rule.inverted) permitted.delete(field);
        else permitted.add(field);
      }
    }
    hidden = columns.filter((column) => !permitted.has(column));
    byMatch.set(matched, hidden);
  }
  return hidden;
}

const hiddenByRules = new WeakMap<ReadRules, WeakMap<string[], Map<string, string[]>>>();

const exposedColumnsCache = new Map<unknown, string[]>();

/**
 * Columns that are also GraphQL fields (by the field's name in the schema: a case's `state` field shows a value derived
 * from the `state` column). Internal foreign keys stay: relations are resolved under their own policy.
 */
export function exposedColumns(target: unknown, columns: string[]): string[] {
  let exposed = exposedColumnsCache.get(target);
  if (!exposed) {
    const graphqlFields = new Set(getMetadataStorage().fields.filter((field) => field.target === target).map((field) => field.schemaName));
    exposed = columns.filter((column) => graphqlFields.has(column));
    exposedColumnsCache.set(target, exposed);
  }
  return exposed;
}

/**
 * Runs an accessible query and returns its entities with per-row field masking applied. Every row handed out here
 * that is embargoed content (an advisory not yet public, to anyone but coordinator staff) is logged first.
 */
export async function loadAccessible<T extends ObjectLiteral>(ctx: RequestContext, target: EntityTarget<T>, query: SelectQueryBuilder<T>): Promise<T[]> {
  const metadata = ctx.dataSource.getMetadata(target);
  // An audited reader's previous read of each advisory comes with the rows (changedSinceLastRead), before this
  // request's own reads are logged.
  const withPreviousReads = metadata.name === 'Advisory' && selectPreviousReadFingerprint(ctx, query);
  // A case's state and an advisory's status as this viewer reads them at this instant (a publication scheduled for
  // later), derived in SQL.
  const shown = SHOWN_VALUES[metadata.name];
  shown?.select(ctx, query);
  const rows = await loadMasked(ctx, metadata, query, withPreviousReads, shown);
  await recordEmbargoedReads(ctx, metadata.name, rows);
  return rows;
}

/**
 * Values shown in place of a stored column, derived per viewer and instant in the same statement: selected by the
 * query builder (`select`) or as a column of a plain-SQL read (`selection`, see selectionOf), then kept with the
 * hydrated, masked entity (`remember`).
 */
export interface ShownValue {
  select(ctx: RequestContext, query: SelectQueryBuilder<ObjectLiteral>): void;
  selection(ctx: RequestContext, alias: string): SqlFragment;
  remember(entity: ObjectLiteral, raw: Record<string, unknown>): void;
}
const SHOWN_VALUES: Record<string, ShownValue | undefined> = {
  Case: { select: selectShownState, selection: shownStateSelection, remember: rememberShownState },
  Advisory: { select: selectShownStatus, selection: shownStatusSelection, remember: rememberShownStatus },
};

/** The value an entity type shows in place of a stored column, if any (a case's state, an advisory's status). */
export function shownValueOf(entityName: string): ShownValue | undefined {
  return SHOWN_VALUES[entityName];
}

async function loadMasked<T extends ObjectLiteral>(
  ctx: RequestContext,
  metadata: EntityMetadata,
  query: SelectQueryBuilder<T>,
  withPreviousReads: boolean,
  shown: ShownValue | undefined,
): Promise<T[]> {
  const restricted = fieldRestrictedRules(ctx, metadata.name);
  if (!restricted && !withPreviousReads && !shown) return query.getMany();
  const { entities, raw } = await query.getRawAndEntities();
  if (withPreviousReads) entities.forEach((entity, index) => rememberPreviousFingerprint(entity, raw[index]));
  const columns = restricted ? exposedColumns(metadata.target, metadata.columns.map((column) => column.propertyName)) : [];
  const flags = flagsOfQuery.get(query);
  const masked = restricted ? entities.map((entity, index) => maskRow(ctx, metadata.name, columns, entity, raw[index], flags)) : entities;
  if (shown) masked.forEach((entity, index) => shown.remember(entity, raw[index]));
  return masked;
}

/** Loads one object by id under the viewer's predicate. A forbidden id and a missing id give the same NOT_FOUND. */
export async function findAccessibleById<T extends ObjectLiteral>(ctx: RequestContext, target: EntityTarget<T>, id: string, action = 'read'): Promise<T> {
  const found = await findAccessibleByIdOrNull(ctx, target, id, action);
  if (!found) throw new NotFoundError(ctx.dataSource.getMetadata(target).name);
  return found;
}

export async function findAccessibleByIdOrNull<T extends ObjectLiteral>(ctx: RequestContext, target: EntityTarget<T>, id: string, action = 'read'): Promise<T | null> {
  const alias = 'subject';
  const query = accessibleQuery(ctx, target, alias, action);
  if (!query) return null;
  query.andWhere(`${alias}.id = :subjectId`, { subjectId: id });
  const [found] = await loadAccessible(ctx, target, query);
  return found ?? null;
}

/** True when the viewer may perform `action` on this loaded row (and, if given, on that field). */
export function may(ctx: RequestContext, action: string, subjectType: string, row: object, field?: string): boolean {
  return ctx.ability.can(action, asSubject(subjectType, { ...row }), field);
}

/**
 * A SQL condition on `alias` that holds exactly on the rows where the viewer may read `field` (`1 = 0` when no rule
 * grants it), for use inside another expression: the same test as `may(ctx, 'read', …, field)` on a loaded row.
 */
export function readableFieldSql(ctx: RequestContext, target: EntityTarget<ObjectLiteral>, alias: string, field: string): SqlFragment {
  const metadata = ctx.dataSource.getMetadata(target);
  // Asked for every case query of a request (the shown state), so translated once per request and view.
  let cached = readableFieldByAbility.get(ctx.ability);
  if (!cached) readableFieldByAbility.set(ctx.ability, (cached = new Map()));
  const key = `${metadata.name}\u0000${alias}\u0000${field}`;
  let fragment = cached.get(key);
  if (!fragment) {
    fragment = sharedTranslation(ctx, 'read', metadata.name, `field\u0000${alias}\u0000${field}`, () => {
      const ast = readableFieldCondition(ctx, metadata.name, field);
      const translator = new SqlConditionTranslator(ctx.dataSource);
      return ast ? { sql: translator.translate(ast, metadata, alias), params: translator.params } : { sql: '1 = 0', params: {} };
    });
    cached.set(key, fragment);
  }
  return fragment;
}

const readableFieldByAbility = new WeakMap<object, Map<string, SqlFragment>>();

/** The condition under which the viewer may read `field` of a row of the subject type, or null when it never may. */
function readableFieldCondition(ctx: RequestContext, subjectType: string, field: string): Condition | null {
  return rulesToCondition(ctx.ability.rulesFor('read', subjectType, field), ruleAst, { and: buildAnd, or: buildOr, empty: () => buildAnd([]) });
}

/**
 * Restricts `query` to rows on which the viewer may read every one of `fields`, so a filter or a sort on a field
 * can only ever match or order rows whose value the viewer could read anyway: nothing can be inferred bit by bit.
 * Where the viewer may read a field on every row it sees, the row set is unchanged. A field the viewer may read on
 * no row at all is refused with FORBIDDEN (unless the viewer may read no row of the type, which answers empty).
 */
export function restrictToReadableFields<T extends ObjectLiteral>(
  ctx: RequestContext,
  target: EntityTarget<T>,
  alias: string,
  query: ConditionSink | null,
  fields: string[],
): void {
  if (!query) return; // nothing readable: the answer is empty whatever the filter
  const metadata = ctx.dataSource.getMetadata(target);
  const read = readPredicates.get(query);
  for (const field of new Set(fields)) {
    const ast = readableFieldCondition(ctx, metadata.name, field);
    if (!ast) throw new ForbiddenError(`You may not filter or sort on ${metadata.name}.${field}`);
    // Readable wherever the row is: the query's own read predicate already says so.
    if (read?.alias === alias && sameCondition(withoutRedundantDisjuncts(ast), withoutRedundantDisjuncts(read.condition))) continue;
    const translator = new SqlConditionTranslator(ctx.dataSource);
    query.andWhere(translator.translateRowFilter(ast, metadata, alias), translator.params);
  }
}

function ruleAst(rule: { ast?: Condition; inverted: boolean }): Condition {
  if (!rule.ast) throw new Error('A policy rule without an AST cannot be translated');
  return rule.inverted ? new CompoundCondition('not', [rule.ast]) : rule.ast;
}
