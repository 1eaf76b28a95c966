import { accessibleQuery, restrictToReadableFields, findAccessibleById, managerOf } from '../authorization/accessible';
import { containsPattern, LIKE_ESCAPE } from '../common/like';
import { newId } from '../common/columns';
import { ConnectionShape, PageArgs, paginate } from '../common/connection';
import { inTransaction, RequestContext } from '../context/request-context';
import { ForbiddenError } from '../errors/errors';
import { Organization, OrganizationKind } from '../organizations/organization.entity';
import { AddContactPointInput, AddProductInput, CreateVendorInput, VendorFilter } from './vendor.input';
import { ContactPoint, Product, Vendor } from './vendor.entity';

export async function listVendors(ctx: RequestContext, filter: VendorFilter, page: PageArgs): Promise<ConnectionShape<Vendor>> {
  const query = accessibleQuery(ctx, Vendor, 'v');
  restrictToReadableFields(ctx, Vendor, 'v', query, ['name']);
  if (query && filter.search) query.andWhere(`LOWER(v.name) LIKE :vendorSearch ${LIKE_ESCAPE}`, { vendorSearch: containsPattern(filter.search) });
  return paginate(ctx, Vendor, query, 'v', page, { property: 'name', direction: 'ASC', isDate: false });
}

export function getVendor(ctx: RequestContext, id: string): Promise<Vendor> {
  return findAccessibleById(ctx, Vendor, id);
}

export async function createVendor(ctx: RequestContext, input: CreateVendorInput): Promise<Vendor> {
  if (!ctx.ability.can('create', 'Vendor')) throw new ForbiddenError('You may not create vendors');
  const id = await inTransaction(ctx, async (tx) => {
    const manager = managerOf(tx);
    const organization = { id: newId(), name: input.name, kind: OrganizationKind.VENDOR, createdAt: tx.now };
    await manager.getRepository(Organization).insert(organization);
    const vendor = { id: newId(), organizationId: organization.id, name: input.name, website: input.website ?? null, createdAt: tx.now };
    await manager.getRepository(Vendor).insert(vendor);
    for (const point of input.contactPoints) {
      await manager.getRepository(ContactPoint).insert({ id: newId(), vendorId: vendor.id, kind: point.kind, value: point.value, note: point.note ?? null });
    }
    for (const product of input.products) {
      await manager.getRepository(Product).insert({ id: newId(), vendorId: vendor.id, name: product.name, versions: product.versions ?? null });
    }
    return vendor.id;
  });
  return getVendor(ctx, id);
}

export async function addProduct(ctx: RequestContext, input: AddProductInput): Promise<Product> {
  if (!ctx.ability.can('create', 'Product')) throw new ForbiddenError('You may not add products');
  const id = await inTransaction(ctx, async (tx) => {
    await findAccessibleById(tx, Vendor, input.vendorId);
    const product = { id: newId(), vendorId: input.vendorId, name: input.name, versions: input.versions ?? null };
    await managerOf(tx).getRepository(Product).insert(product);
    return product.id;
  });
  return findAccessibleById(ctx, Product, id);
}

export async function addContactPoint(ctx: RequestContext, input: AddContactPointInput): Promise<ContactPoint> {
  if (!ctx.ability.can('create', 'ContactPoint')) throw new ForbiddenError('You may not add contact points');
  const id = await inTransaction(ctx, async (tx) => {
    await findAccessibleById(tx, Vendor, input.vendorId);
    const point = { id: newId(), vendorId: input.vendorId, kind: input.kind, value: input.value, note: input.note ?? null };
    await managerOf(tx).getRepository(ContactPoint).insert(point);
    return point.id;
  });
  return findAccessibleById(ctx, ContactPoint, id);
}
