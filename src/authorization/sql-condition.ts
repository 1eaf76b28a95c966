import { CompoundCondition, Condition, FieldCondition } from '@ucast/mongo2js';
import { DataSource, EntityMetadata } from 'typeorm';
import { RelationMetadata } from 'typeorm/metadata/RelationMetadata';

export interface SqlFragment {
  sql: string;
  params: Record<string, unknown>;
}

let parameterCounter = 0;
let aliasCounter = 0;

/**
 * Turns a CASL condition tree (from `rulesToAST` or `rule.ast`) into a SQL boolean expression over `alias`.
 *
 * Field names are entity property names. A dotted name or `$elemMatch` whose first segment is a TypeORM relation
 * becomes an EXISTS subquery on the related table, so relation rules are decided inside the database.
 *
 * Every leaf is written to be two-valued like CASL's in-memory matcher: `$ne`/`$nin` include NULL, and `not`
 * treats an unknown (NULL) inner result as false before negating it. Operators not listed here throw: a rule the
 * translator cannot express must fail loudly, never widen access.
 */
export class SqlConditionTranslator {
  readonly params: Record<string, unknown> = {};

  constructor(private readonly dataSource: DataSource) {}

  translate(condition: Condition, metadata: EntityMetadata, alias: string): string {
    if (condition instanceof CompoundCondition || isCompound(condition)) {
      const compound = condition as CompoundCondition;
      if (compound.operator === 'and') {
        const conjuncts = this.translateConjuncts(compound.value, metadata, alias);
        return conjuncts.length === 0 ? '1 = 1' : `(${conjuncts.join(' AND ')})`;
      }
      if (compound.operator === 'or') {
        const parts = mergeExistsOverSameRelation(compound.value, metadata).map((inner) => this.translate(inner, metadata, alias));
        return parts.length === 0 ? '1 = 0' : `(${parts.join(' OR ')})`;
      }
      const parts = compound.value.map((inner) => this.translate(inner, metadata, alias));
      switch (compound.operator) {
        case 'not':
        case 'nor':
          return `(NOT COALESCE(${parts.length === 0 ? '1 = 0' : parts.join(' OR ')}, 0))`;
        default:
          throw new Error(`Unsupported compound operator in a policy: ${compound.operator}`);
      }
    }
    const field = condition as FieldCondition;
    return this.translateField(field.operator, field.field, field.value, metadata, alias);
  }

  /**
   * Conjuncts that reach through the same to-one relation (say `case.state` and `case.finderUserId`) share one EXISTS:
   * there is at most one related row, so "it has A and it has B" is "it has A and B", looked up once.
   */
  private translateConjuncts(conjuncts: Condition[], metadata: EntityMetadata, alias: string): string[] {
    const parts: string[] = [];
    const throughToOne = new Map<string, Condition[]>();
    for (const conjunct of conjuncts) {
      const field = isCompound(conjunct) ? null : (conjunct as FieldCondition);
      const [head, ...rest] = field ? field.field.split('.') : [''];
      const relation = field ? metadata.findRelationWithPropertyPath(head) : undefined;
      if (field && relation && (relation.isManyToOne || relation.isOneToOneOwner) && rest.length > 0) {
        throughToOne.set(head, [...(throughToOne.get(head) ?? []), new FieldCondition(field.operator, rest.join('.'), field.value)]);
      } else {
        parts.push(this.translate(conjunct, metadata, alias));
      }
    }
    for (const [head, group] of throughToOne) {
      const relation = metadata.findRelationWithPropertyPath(head)!;
      const childAlias = `casl_${++aliasCounter}`;
      const inner = this.translate(group.length === 1 ? group[0] : new CompoundCondition('and', group), relation.inverseEntityMetadata, childAlias);
      parts.push(`EXISTS (SELECT 1 FROM ${this.escape(relation.inverseEntityMetadata.tableName)} ${this.escape(childAlias)} WHERE ${this.joinCondition(relation, alias, childAlias)} AND ${inner})`);
    }
    return parts;
  }

  /**
   * The predicate for a query's WHERE on `alias`: the same rows as `translate`, written for the planner. CASL emits
   * one disjunct per rule, and MySQL/MariaDB test an OR of EXISTS row by row over the whole table. When every
   * disjunct is keyed to the viewer (an equality on an id column, such as `vendorId` or `finderUserId`), the
   * disjunction becomes `alias.id IN (SELECT key FROM (<one SELECT per disjunct> UNION ALL ...))`, which they run as a
   * semi-join driven by those indexed equalities: the cost follows the viewer's rows, not the table's size. A
   * disjunction with a broad disjunct (say, "published") stays as it is, since listing its keys would read the table.
   */
  translateRowFilter(original: Condition, metadata: EntityMetadata, alias: string): string {
    return this.translateRowFilterAndForm(original, metadata, alias).sql;
  }

  /** translateRowFilter, and whether it took the form of a set of keys (`alias.id IN (SELECT key ... UNION ALL ...)`). */
  translateRowFilterAndForm(original: Condition, metadata: EntityMetadata, alias: string): { sql: string; keySet: boolean } {
    const condition = withoutRedundantDisjuncts(original);
    const primary = metadata.primaryColumns;
    const plain = () => ({ sql: this.translate(condition, metadata, alias), keySet: false });
    if (!isCompound(condition) || (condition as CompoundCondition).operator !== 'or' || primary.length !== 1) return plain();
    const disjuncts = (condition as CompoundCondition).value;
    const worthIt = disjuncts.length > 1 && disjuncts.some((part) => this.reachesRelation(part, metadata)) && disjuncts.every((part) => this.isKeyed(part, metadata));
    if (!worthIt) return plain();
    const keys = disjuncts.map((part) => this.keysOf(part, metadata, primary[0].databaseName));
    const keysAlias = this.escape(`casl_keys_${++aliasCounter}`);
    return {
      sql: `${this.escape(alias)}.${this.escape(primary[0].databaseName)} IN (SELECT ${keysAlias}.${this.escape('key')} FROM (${keys.join(' UNION ALL ')}) ${keysAlias})`,
      keySet: true,
    };
  }

  /** A SELECT of the primary keys of the rows of `metadata` for which `condition` holds. */
  private keysOf(condition: Condition, metadata: EntityMetadata, primary: string): string {
    const child = this.oneToManyStep(condition, metadata, primary);
    if (child) {
      // EXISTS (child WHERE child.fk = row.id AND inner) holds for exactly the rows whose id is some child's fk.
      const childAlias = `casl_${++aliasCounter}`;
      const inner = child.rest ? this.translateField(child.operator, child.rest, child.value, child.metadata, childAlias) : this.translate(child.value as Condition, child.metadata, childAlias);
      return `SELECT ${this.escape(childAlias)}.${this.escape(child.foreignKey)} AS ${this.escape('key')} FROM ${this.escape(child.metadata.tableName)} ${this.escape(childAlias)} WHERE ${inner}`;
    }
    const rowAlias = `casl_${++aliasCounter}`;
    return `SELECT ${this.escape(rowAlias)}.${this.escape(primary)} AS ${this.escape('key')} FROM ${this.escape(metadata.tableName)} ${this.escape(rowAlias)} WHERE ${this.translate(condition, metadata, rowAlias)}`;
  }

  /** A condition through a one-to-many relation whose foreign key points at `primary`, split into its parts. */
  private oneToManyStep(condition: Condition, metadata: EntityMetadata, primary: string) {
    if (isCompound(condition)) return null;
    const field = condition as FieldCondition;
    const [head, ...rest] = field.field.split('.');
    const relation = metadata.findRelationWithPropertyPath(head);
    const inverse = relation && !relation.isManyToOne && !relation.isOneToOneOwner ? relation.inverseRelation : undefined;
    const join = inverse?.joinColumns.length === 1 ? inverse.joinColumns[0] : undefined;
    if (!relation || !join || join.referencedColumn?.databaseName !== primary) return null;
    if (rest.length === 0 && field.operator !== 'elemMatch') return null;
    return { metadata: relation.inverseEntityMetadata, foreignKey: join.databaseName, operator: field.operator, rest: rest.join('.'), value: field.value };
  }

  private reachesRelation(condition: Condition, metadata: EntityMetadata): boolean {
    return reachesRelation(condition, metadata);
  }

  /** Requires an equality (or IN) on an id column, directly or inside the relation it reaches through. */
  isKeyed(condition: Condition, metadata: EntityMetadata): boolean {
    if (isCompound(condition)) {
      const compound = condition as CompoundCondition;
      if (compound.operator === 'and') return compound.value.some((part) => this.isKeyed(part, metadata));
      if (compound.operator === 'or') return compound.value.length > 0 && compound.value.every((part) => this.isKeyed(part, metadata));
      return false;
    }
    const field = condition as FieldCondition;
    const [head, ...rest] = field.field.split('.');
    const relation = metadata.findRelationWithPropertyPath(head);
    if (relation) {
      if (rest.length > 0) return this.isKeyed(new FieldCondition(field.operator, rest.join('.'), field.value), relation.inverseEntityMetadata);
      return field.operator === 'elemMatch' && this.isKeyed(field.value as Condition, relation.inverseEntityMetadata);
    }
    const keyedValue = field.operator === 'eq' ? field.value !== null : field.operator === 'in' && Array.isArray(field.value) && field.value.length > 0;
    return keyedValue && (head === 'id' || head.endsWith('Id'));
  }

  /**
   * Several tests of the form "some row of the to-many relation `field` has `core` and `tests[i]`" in one scalar
   * subquery: bit i of its value is 1 exactly when test i holds (a null test always holds), and the value is NULL
   * when no related row has `core`. One lookup of the related rows instead of one EXISTS per test.
   */
  translateRelatedRowTests(field: string, core: Condition, tests: (Condition | null)[], metadata: EntityMetadata, alias: string): string {
    const relation = metadata.findRelationWithPropertyPath(field);
    if (!relation || relation.isManyToOne || relation.isOneToOneOwner) throw new Error(`${metadata.name}.${field} is not a to-many relation`);
    const related = relation.inverseEntityMetadata;
    const childAlias = `casl_${++aliasCounter}`;
    const bits = tests.map((test, bit) => {
      const matched = test ? `MAX(CASE WHEN ${this.translate(test, related, childAlias)} THEN 1 ELSE 0 END)` : 'MAX(1)';
      return bit === 0 ? matched : `${2 ** bit} * ${matched}`;
    });
    return `(SELECT ${bits.join(' + ')} FROM ${this.escape(related.tableName)} ${this.escape(childAlias)} WHERE ${this.joinCondition(relation, alias, childAlias)} AND ${this.translate(core, related, childAlias)})`;
  }

  private translateField(operator: string, path: string, value: unknown, metadata: EntityMetadata, alias: string): string {
    const [head, ...rest] = path.split('.');
    const relation = metadata.findRelationWithPropertyPath(head);
    if (relation) {
      const childAlias = `casl_${++aliasCounter}`;
      const inner =
        rest.length > 0
          ? this.translateField(operator, rest.join('.'), value, relation.inverseEntityMetadata, childAlias)
          : operator === 'elemMatch'
            ? this.translate(value as Condition, relation.inverseEntityMetadata, childAlias)
            : unsupported(operator, path);
      return `EXISTS (SELECT 1 FROM ${this.escape(relation.inverseEntityMetadata.tableName)} ${this.escape(childAlias)} WHERE ${this.joinCondition(relation, alias, childAlias)} AND ${inner})`;
    }
    if (rest.length > 0) unsupported(operator, path);
    const column = metadata.findColumnWithPropertyName(head);
    if (!column) throw new Error(`Policy names unknown field ${metadata.name}.${head}`);
    const sqlColumn = `${this.escape(alias)}.${this.escape(column.databaseName)}`;

    switch (operator) {
      case 'eq':
        return value === null ? `${sqlColumn} IS NULL` : `${sqlColumn} = ${this.param(value)}`;
      case 'ne':
        return value === null ? `${sqlColumn} IS NOT NULL` : `(${sqlColumn} IS NULL OR ${sqlColumn} <> ${this.param(value)})`;
      case 'lt':
        return `${sqlColumn} < ${this.param(value)}`;
      case 'lte':
        return `${sqlColumn} <= ${this.param(value)}`;
      case 'gt':
        return `${sqlColumn} > ${this.param(value)}`;
      case 'gte':
        return `${sqlColumn} >= ${this.param(value)}`;
      case 'in': {
        const values = value as unknown[];
        return values.length === 0 ? '1 = 0' : `${sqlColumn} IN (${values.map((item) => this.param(item)).join(', ')})`;
      }
      case 'nin': {
        const values = value as unknown[];
        return values.length === 0 ? '1 = 1' : `(${sqlColumn} IS NULL OR ${sqlColumn} NOT IN (${values.map((item) => this.param(item)).join(', ')}))`;
      }
      case 'exists':
        return value ? `${sqlColumn} IS NOT NULL` : `${sqlColumn} IS NULL`;
      default:
        return unsupported(operator, path);
    }
  }

  private joinCondition(relation: RelationMetadata, parentAlias: string, childAlias: string): string {
    const parent = this.escape(parentAlias);
    const child = this.escape(childAlias);
    if (relation.isManyToOne || relation.isOneToOneOwner) {
      return relation.joinColumns
        .map((join) => `${child}.${this.escape(join.referencedColumn!.databaseName)} = ${parent}.${this.escape(join.databaseName)}`)
        .join(' AND ');
    }
    const inverse = relation.inverseRelation;
    if (!inverse) throw new Error(`Relation ${relation.propertyPath} needs an inverse side to be used in a policy`);
    return inverse.joinColumns
      .map((join) => `${child}.${this.escape(join.databaseName)} = ${parent}.${this.escape(join.referencedColumn!.databaseName)}`)
      .join(' AND ');
  }

  private param(value: unknown): string {
    const name = `casl_p${++parameterCounter}`;
    this.params[name] = value;
    return `:${name}`;
  }

  private escape(name: string): string {
    return this.dataSource.driver.escape(name);
  }
}

/**
 * Disjuncts that each ask for a related row of the same to-many relation (`grants: { $elemMatch: A }` or
 * `grants: { $elemMatch: B }`) become one: "some row has A, or some row has B" is "some row has A or B", one EXISTS
 * instead of one per disjunct. Conjuncts every alternative shares (the viewer's organization, say) are taken out of
 * the inner OR so the database can use an index on them. CASL cannot put `$or` inside `$elemMatch`, so policies
 * write such rules as alternatives; this keeps their SQL as small as if it could.
 */
function mergeExistsOverSameRelation(disjuncts: Condition[], metadata: EntityMetadata): Condition[] {
  const groups = new Map<string, FieldCondition[]>();
  const merged: Condition[] = [];
  for (const disjunct of flattenedDisjuncts(disjuncts)) {
    const field = isCompound(disjunct) ? null : (disjunct as FieldCondition);
    const relation = field?.operator === 'elemMatch' && !field.field.includes('.') ? metadata.findRelationWithPropertyPath(field.field) : undefined;
    if (!field || !relation || relation.isManyToOne || relation.isOneToOneOwner) {
      merged.push(disjunct);
      continue;
    }
    const group = groups.get(field.field);
    if (group) group.push(field);
    else {
      groups.set(field.field, [field]);
      merged.push(field);
    }
  }
  return merged.map((disjunct) => {
    const group = isCompound(disjunct) ? undefined : groups.get((disjunct as FieldCondition).field);
    if (!group || group.length === 1 || group[0] !== disjunct) return disjunct;
    return new FieldCondition('elemMatch', group[0].field, withCommonConjunctsFactored(group.map((member) => member.value as Condition)));
  });
}

/** `a or (b or c)` as `a or b or c` (and a conjunction of one as that one). */
function flattenedDisjuncts(disjuncts: Condition[]): Condition[] {
  return disjuncts.flatMap((disjunct) => {
    const compound = isCompound(disjunct) ? (disjunct as CompoundCondition) : null;
    if (compound && (compound.operator === 'or' || (compound.operator === 'and' && compound.value.length === 1))) return flattenedDisjuncts(compound.value);
    return [disjunct];
  });
}

/** `(C and A) or (C and B)` as `C and (A or B)`: the same rows, with C where an index can serve it. */
export function withCommonConjunctsFactored(alternatives: Condition[]): Condition {
  const [first, ...others] = alternatives.map(conjunctsOf);
  const common = first.filter((conjunct) => others.every((conjuncts) => conjuncts.some((other) => sameCondition(other, conjunct))));
  if (common.length === 0) return new CompoundCondition('or', alternatives);
  const rests = alternatives.map((alternative) => conjunctsOf(alternative).filter((conjunct) => !common.some((shared) => sameCondition(shared, conjunct))));
  // An alternative with nothing left holds whenever the common part does.
  if (rests.some((rest) => rest.length === 0)) return new CompoundCondition('and', common);
  const rest = new CompoundCondition('or', rests.map((conjuncts) => (conjuncts.length === 1 ? conjuncts[0] : new CompoundCondition('and', conjuncts))));
  return new CompoundCondition('and', [...common, rest]);
}

/** True when the condition reads another table (its SQL holds an EXISTS or a key subquery), not only the row's columns. */
export function reachesRelation(condition: Condition, metadata: EntityMetadata): boolean {
  if (isCompound(condition)) return (condition as CompoundCondition).value.some((part) => reachesRelation(part, metadata));
  return Boolean(metadata.findRelationWithPropertyPath((condition as FieldCondition).field.split('.')[0]));
}

/** True when both conditions are the same tree (same operators, fields and values). */
export function sameCondition(a: Condition, b: Condition): boolean {
  return a === b || keyOf(a) === keyOf(b);
}

const conditionKeys = new WeakMap<Condition, string>();

/** The condition tree as text, computed once per node (CASL caches rule ASTs, so nodes recur across requests). */
function keyOf(condition: Condition): string {
  let key = conditionKeys.get(condition);
  if (key === undefined) {
    key = JSON.stringify(condition);
    conditionKeys.set(condition, key);
  }
  return key;
}

/**
 * Drops each disjunct that implies another one, since `(A and B) or A` is `A`: a rule that grants extra fields usually
 * repeats a broader rule's condition plus a flag (`grants: { $elemMatch: { ...live, shareImpact: true } }` beside
 * `grants: { $elemMatch: live }`), and the row filter needs only the broader. Nested disjunctions are flattened first.
 * Each disjunct is dropped only while one it implies is still there, so the disjunction keeps its meaning.
 */
export function withoutRedundantDisjuncts(condition: Condition): Condition {
  if (!isCompound(condition) || (condition as CompoundCondition).operator !== 'or') return condition;
  const original = (condition as CompoundCondition).value;
  const kept = flattenedDisjuncts(original);
  const flattened = kept.length;
  for (let index = 0; index < kept.length; ) {
    if (kept.some((other, otherIndex) => otherIndex !== index && implies(kept[index], other))) kept.splice(index, 1);
    else index++;
  }
  if (kept.length === original.length && flattened === original.length) return condition;
  return kept.length === 1 ? kept[0] : new CompoundCondition('or', kept);
}

/**
 * True when `a` can hold only where `b` holds, judged by the shape of the two trees alone; false when that shape does
 * not show it. `a and x` implies `a`; `a` implies `a or y`; "some grant has A and X" implies "some grant has A".
 */
export function implies(a: Condition, b: Condition): boolean {
  if (sameCondition(a, b)) return true;
  const compoundA = isCompound(a) ? (a as CompoundCondition) : null;
  const compoundB = isCompound(b) ? (b as CompoundCondition) : null;
  if (compoundB?.operator === 'or' && compoundB.value.some((part) => implies(a, part))) return true;
  if (compoundA?.operator === 'or') return compoundA.value.length > 0 && compoundA.value.every((part) => implies(part, b));
  if (compoundB?.operator === 'and') return compoundB.value.every((part) => implies(a, part));
  if (compoundA?.operator === 'and') return compoundA.value.some((part) => implies(part, b));
  if (compoundA || compoundB) return false;
  const [fieldA, fieldB] = [a as FieldCondition, b as FieldCondition];
  return fieldA.operator === 'elemMatch' && fieldB.operator === 'elemMatch' && fieldA.field === fieldB.field && implies(fieldA.value as Condition, fieldB.value as Condition);
}

/** The condition with every field taken through a relation: `status` becomes `advisory.status`; null for a node of another kind. */
export function throughRelation(condition: Condition, relation: string): Condition | null {
  if (isCompound(condition)) {
    const compound = condition as CompoundCondition;
    const parts = compound.value.map((part) => throughRelation(part, relation));
    return parts.every((part): part is Condition => part !== null) ? new CompoundCondition(compound.operator, parts) : null;
  }
  if (condition instanceof FieldCondition) return new FieldCondition(condition.operator, `${relation}.${condition.field}`, condition.value);
  return null;
}

/** The conjuncts of a condition (a condition that is no conjunction is its only one). */
export function conjunctsOf(condition: Condition): Condition[] {
  return isCompound(condition) && (condition as CompoundCondition).operator === 'and' ? (condition as CompoundCondition).value : [condition];
}

/** The disjuncts of a condition, nested disjunctions flattened (a condition that is no disjunction is its only one). */
export function disjunctsOf(condition: Condition): Condition[] {
  return flattenedDisjuncts([condition]);
}

export function isCompound(condition: Condition): boolean {
  return Array.isArray((condition as CompoundCondition).value) && !(condition as FieldCondition).field;
}

function unsupported(operator: string, path: string): never {
  throw new Error(`Policy operator "${operator}" on "${path}" cannot be translated to SQL`);
}
