import { IsOptional, IsUUID } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AuditAction } from './audit-entry.entity';

@InputType()
export class AuditEntryFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  advisoryId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  grantId?: string;

  @Field(() => ID, { nullable: true, description: 'The organization the actor acted for.' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @Field(() => AuditAction, { nullable: true })
  @IsOptional()
  action?: AuditAction;
}
