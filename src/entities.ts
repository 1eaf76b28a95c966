import { Advisory } from './advisories/advisory.entity';
import { Case, CaseTransition, CaseVendor } from './cases/case.entity';
import { ContactAttempt } from './contact/contact-attempt.entity';
import { ApiKey } from './organizations/api-key.entity';
import { Organization } from './organizations/organization.entity';
import { User } from './organizations/user.entity';
import { ContactPoint, Product, Vendor } from './vendors/vendor.entity';

export const ENTITIES = [Organization, User, ApiKey, Vendor, Product, ContactPoint, Case, CaseVendor, CaseTransition, ContactAttempt, Advisory];
