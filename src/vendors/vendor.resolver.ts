import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Access } from '../authorization/access';
import { Connection, PageArgs } from '../common/connection';
import type { RequestContext } from '../context/request-context';
import { AddContactPointInput, AddProductInput, CreateVendorInput, VendorFilter } from './vendor.input';
import { ContactPoint, Product, Vendor } from './vendor.entity';
import * as vendors from './vendor.service';

const VendorConnection = Connection(Vendor, 'Vendor');

@Resolver(() => Vendor)
export class VendorResolver {
  @Access('AUTHENTICATED')
  @Query(() => VendorConnection, { description: 'Coordinators see every vendor; a vendor sees itself.' })
  vendors(@Ctx() ctx: RequestContext, @Args() page: PageArgs, @Arg('filter', () => VendorFilter, { nullable: true }) filter?: VendorFilter) {
    return vendors.listVendors(ctx, filter ?? {}, page);
  }

  @Access('AUTHENTICATED')
  @Query(() => Vendor)
  vendor(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return vendors.getVendor(ctx, id);
  }

  @FieldResolver(() => [Product])
  products(@Root() root: Vendor, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(Product, 'vendorId', 'name').load(root.id);
  }

  @FieldResolver(() => [ContactPoint])
  contactPoints(@Root() root: Vendor, @Ctx() ctx: RequestContext) {
    return ctx.loaders.manyBy(ContactPoint, 'vendorId', 'kind').load(root.id);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Vendor)
  createVendor(@Ctx() ctx: RequestContext, @Arg('input') input: CreateVendorInput) {
    return vendors.createVendor(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => Product)
  addProduct(@Ctx() ctx: RequestContext, @Arg('input') input: AddProductInput) {
    return vendors.addProduct(ctx, input);
  }

  @Access('AUTHENTICATED')
  @Mutation(() => ContactPoint)
  addContactPoint(@Ctx() ctx: RequestContext, @Arg('input') input: AddContactPointInput) {
    return vendors.addContactPoint(ctx, input);
  }
}
