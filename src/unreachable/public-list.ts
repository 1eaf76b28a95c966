import { Field, ID, Int, ObjectType } from 'type-graphql';
import { UnreachableListing } from './unreachable.entity';

/**
 * An entry of 連絡不能開発者一覧 (the list of developers that could not be reached) as anyone sees it. The type
 * has no other fields, so no query can ask the list for anything about the case beyond its public reference.
 */
@ObjectType({ description: 'An entry on the public list of developers that could not be reached.' })
export class UnreachableDeveloperEntry {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The public reference of the case.' })
  caseReference!: string;

  @Field({ description: 'Stage 1: the developer name.' })
  vendorName!: string;

  @Field({ description: 'When the entry was listed (stage 1).' })
  listedAt!: Date;

  @Field(() => Int, { description: '1: name only; 2: product name and versions added.' })
  stage!: number;

  @Field(() => String, { nullable: true, description: 'Stage 2 only.' })
  productName!: string | null;

  @Field(() => String, { nullable: true, description: 'Stage 2 only.' })
  productVersions!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the product information was added (stage 2).' })
  productInformationListedAt!: Date | null;

  @Field({ description: 'The developer has since been reached; the entry stays as a record.' })
  contactEstablished!: boolean;

  @Field(() => Date, { nullable: true })
  contactEstablishedAt!: Date | null;
}

@ObjectType({ description: 'Confirms a tip arrived. It says nothing about the entry, the case or other tips.' })
export class TipReceipt {
  @Field()
  received!: boolean;

  @Field({ description: 'A random code to quote if you write to the coordinator about your tip.' })
  receiptCode!: string;
}

/** Builds the public shape from a row already masked by the public policy (fields of unreached stages are null). */
export function toPublicEntry(listing: UnreachableListing): UnreachableDeveloperEntry {
  return Object.assign(new UnreachableDeveloperEntry(), {
    id: listing.id,
    caseReference: listing.caseReference,
    vendorName: listing.vendorName,
    listedAt: listing.stageOnePublishedAt,
    stage: listing.stageTwoPublishedAt ? 2 : 1,
    productName: listing.productName,
    productVersions: listing.productVersions,
    productInformationListedAt: listing.stageTwoPublishedAt,
    contactEstablished: listing.contactEstablishedAt !== null,
    contactEstablishedAt: listing.contactEstablishedAt,
  });
}
