import { Advisory } from './advisories/advisory.entity';
import { AdvisoryCredit, AdvisoryProduct, AdvisoryRevision, AdvisoryVendorStatus } from './advisories/advisory-publication.entity';
import { AuditChainHead, AuditEntry } from './audit/audit-entry.entity';
import { Case, CaseTransition, CaseVendor } from './cases/case.entity';
import { CommitteeConflict, CommitteeReferral, CommitteeVote } from './committee/committee.entity';
import { ContactAttempt } from './contact/contact-attempt.entity';
import { DisclosureFeedback, DisclosureGrant, DisclosureGrantRecipient } from './disclosure/disclosure-grant.entity';
import { ApiKey } from './organizations/api-key.entity';
import { Organization } from './organizations/organization.entity';
import { User } from './organizations/user.entity';
import { ListingTip, UnreachableDeclaration, UnreachableEvent, UnreachableListing } from './unreachable/unreachable.entity';
import { ContactPoint, Product, Vendor } from './vendors/vendor.entity';

export const ENTITIES = [Organization, User, ApiKey, Vendor, Product, ContactPoint, Case, CaseVendor, CaseTransition, ContactAttempt, Advisory, AdvisoryRevision, AdvisoryCredit, AdvisoryVendorStatus, AdvisoryProduct, UnreachableDeclaration, UnreachableListing, UnreachableEvent, ListingTip, CommitteeReferral, CommitteeVote, CommitteeConflict, DisclosureGrant, DisclosureGrantRecipient, DisclosureFeedback, AuditEntry, AuditChainHead];
