import type DataLoader from 'dataloader';
import { FieldNode, getNamedType, GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields';
import { FieldSelection, selectedFields, selectedFieldsUnder } from '../common/selected-fields';
import { ContactAttempt } from '../contact/contact-attempt.entity';
import type { RequestContext } from '../context/request-context';
import { Vendor } from '../vendors/vendor.entity';
import { Case, CaseVendor } from './case.entity';

/**
 * The loaders of a case's relations, picked from the field's selection: the field resolvers and the prefetch below
 * pick through the same functions, so for the same selection they reach the same loader (loaders are memoized by
 * what they load and the columns the selection needs).
 */
export const caseLoaders = {
  caseVendors(ctx: RequestContext, selection: FieldSelection): DataLoader<string, CaseVendor[]> {
    // The vendor of each row and the contact attempts to reach it come in the same statement, for
    // CaseVendorResolver.vendor and .contactAttempts (a statement fewer each).
    const vendorFields = selectedFieldsUnder(selection, 'vendor');
    const join = vendorFields ? { foreignKey: 'vendorId' as const, target: Vendor, fields: vendorFields } : undefined;
    const attemptFields = selectedFieldsUnder(selection, 'contactAttempts');
    const children = attemptFields ? { target: ContactAttempt, relation: 'caseVendor', foreignKey: 'caseVendorId', orderBy: 'attemptedAt', fields: attemptFields } : undefined;
    return ctx.loaders.manyBy(CaseVendor, 'caseId', 'id', selectedFields(selection), join, children);
  },
  contactAttempts(ctx: RequestContext, selection: FieldSelection): DataLoader<string, ContactAttempt[]> {
    return ctx.loaders.manyBy(ContactAttempt, 'caseId', 'attemptedAt', selectedFields(selection));
  },
  lastContactAttempt(ctx: RequestContext, selection: FieldSelection): DataLoader<string, ContactAttempt | null> {
    return ctx.loaders.lastBy(ContactAttempt, 'caseId', 'attemptedAt', selectedFields(selection));
  },
  vendorOfCaseVendor(ctx: RequestContext, selection: FieldSelection): DataLoader<string, Vendor | null> {
    return ctx.loaders.byId(Vendor, selectedFields(selection));
  },
  caseVendorContactAttempts(ctx: RequestContext, selection: FieldSelection): DataLoader<string, ContactAttempt[]> {
    return ctx.loaders.manyBy(ContactAttempt, 'caseVendorId', 'attemptedAt', selectedFields(selection));
  },
};

/**
 * Loads, before graphql-js walks a page of cases, the relations its query selects on them (`caseVendors` with their
 * vendor and `contactAttempts`, `contactAttempts`, `lastContactAttempt`), through the very loaders and batches the
 * field resolvers would use, in the order they would: the same statements, one step earlier. The field resolvers then
 * find every value already answered (`loadKnown`) and return it instead of a promise, so no case and no vendor row of
 * the page completes asynchronously (graphql-js's promise handling was about a tenth of a vendor portal request's CPU).
 *
 * The selection is collected as graphql-js collects it (response keys, fragments, @skip and @include), so an aliased,
 * skipped or fragment-spread field gets exactly the loader its resolver picks, or none. A batch that fails is left to
 * the resolvers, which meet the same failure in the loader's cache where they met it before.
 */
export async function prefetchCaseRelations(ctx: RequestContext, info: GraphQLResolveInfo, cases: readonly Case[]): Promise<void> {
  if (cases.length === 0) return;
  try {
    const caseType = info.schema.getType('Case');
    const caseVendorType = info.schema.getType('CaseVendor');
    if (!(caseType instanceof GraphQLObjectType) || !(caseVendorType instanceof GraphQLObjectType)) return;
    const subfields = (type: GraphQLObjectType, nodes: readonly FieldNode[]) => collectSubfields(info.schema, info.fragments, info.variableValues, type, nodes);
    const connection = getNamedType(info.returnType);
    const edgeType = connection instanceof GraphQLObjectType ? getNamedType(connection.getFields().edges?.type) : undefined;
    if (!(connection instanceof GraphQLObjectType) || !(edgeType instanceof GraphQLObjectType)) return;
    const nodeSelections: (readonly FieldNode[])[] = [];
    for (const edges of subfields(connection, info.fieldNodes).values()) {
      if (edges[0].name.value !== 'edges') continue;
      for (const node of subfields(edgeType, edges).values()) if (node[0].name.value === 'node') nodeSelections.push(node);
    }
    const caseIds = cases.map((each) => each.id);
    const caseVendorPages: Promise<void>[] = [];
    const loads: Promise<unknown>[] = [];
    for (const node of nodeSelections) {
      for (const fieldNodes of subfields(caseType, node).values()) {
        const selection: FieldSelection = { fieldNodes, fragments: info.fragments };
        const name = fieldNodes[0].name.value;
        if (name === 'contactAttempts') loads.push(caseLoaders.contactAttempts(ctx, selection).loadMany(caseIds));
        else if (name === 'lastContactAttempt') loads.push(caseLoaders.lastContactAttempt(ctx, selection).loadMany(caseIds));
        else if (name === 'caseVendors') {
          caseVendorPages.push(
            caseLoaders
              .caseVendors(ctx, selection)
              .loadMany(caseIds)
              .then(async (answers) => {
                const rows = answers.flatMap((answer) => (answer instanceof Error ? [] : answer));
                if (rows.length === 0) return;
                const rowIds = rows.map((row) => row.id);
                const nested: Promise<unknown>[] = [];
                for (const rowFields of subfields(caseVendorType, fieldNodes).values()) {
                  if (rowFields[0].name.value !== 'contactAttempts') continue;
                  nested.push(caseLoaders.caseVendorContactAttempts(ctx, { fieldNodes: rowFields, fragments: info.fragments }).loadMany(rowIds));
                }
                await Promise.all(nested);
              }),
          );
        }
      }
    }
    await Promise.all([...loads, ...caseVendorPages]);
  } catch (error) {
    // A failed batch never lands here (loadMany answers it as an Error in its place, left to the field resolvers); only
    // a fault of the prefetch itself does. The resolvers still load what they need, so it costs speed, not answers:
    // logged so that it shows instead of quietly undoing the prefetch.
    ctx.logger.warn({ err: error }, 'prefetching the relations of a page of cases failed; the field resolvers load them');
  }
}
