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
      const parts = compound.value.map((inner) => this.translate(inner, metadata, alias));
      switch (compound.operator) {
        case 'and':
          return parts.length === 0 ? '1 = 1' : `(${parts.join(' AND ')})`;
        case 'or':
          return parts.length === 0 ? '1 = 0' : `(${parts.join(' OR ')})`;
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

function isCompound(condition: Condition): boolean {
  return Array.isArray((condition as CompoundCondition).value) && !(condition as FieldCondition).field;
}

function unsupported(operator: string, path: string): never {
  throw new Error(`Policy operator "${operator}" on "${path}" cannot be translated to SQL`);
}
