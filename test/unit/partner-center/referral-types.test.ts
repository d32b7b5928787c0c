import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  ASSISTANCE_REQUEST_CODES,
  PATCHABLE_PATHS,
  SALES_STAGES,
  type Referral,
  type ReferralPage,
  type ReferralPatchOperation,
} from '../../../src/partner-center/index.js';
import { assertValid } from './swagger.js';
import { newReferralBody } from './helpers.js';

type Schema = {
  properties?: Record<string, Schema>;
  items?: Schema & { properties?: Record<string, Schema> };
  enum?: string[];
};
const swagger = JSON.parse(
  readFileSync(new URL('../../fixtures/partner-center-referrals.swagger.json', import.meta.url), 'utf8')
) as { definitions: Record<string, Schema> };
const referralSchema = swagger.definitions['Microsoft.Partner.Service.PartnerReferrals.Contracts.V3.Referral'];
const patchSchema =
  swagger.definitions['Microsoft.Partner.Service.PartnerReferrals.Contracts.V3.UpdateReferralDetails'];

/** A fully populated referral, typed by our model: every field must also be in the swagger (closed schemas). */
const fullReferral: Referral = {
  id: 'a1',
  engagementId: 'e1',
  name: 'Contoso',
  externalReferenceId: '006000000000001AAA',
  organizationId: 'org',
  organizationName: 'Contoso Partner',
  createdDateTime: '2026-01-01T00:00:00Z',
  updatedDateTime: '2026-01-02T00:00:00Z',
  expirationDateTime: '2026-01-15T00:00:00Z',
  acceptedDateTime: '2026-01-01T00:00:00Z',
  closedDateTime: '2026-01-03T00:00:00Z',
  status: 'Closed',
  substatus: 'Won',
  statusReason: 'Customer signed',
  type: 'Shared',
  qualification: 'SalesQualified',
  direction: 'Outgoing',
  salesStage: 'Close',
  campaignId: 'c1',
  referralProgram: 'p',
  customerProfile: {
    name: 'Fabrikam',
    address: {
      addressLine1: '1',
      addressLine2: '2',
      city: 'Redmond',
      state: 'WA',
      postalCode: '98052',
      country: 'US',
      region: 'NA',
    },
    size: '51to500employees',
    team: [
      {
        firstName: 'A',
        lastName: 'B',
        phoneNumber: '1',
        email: 'a@b.example',
        contactPreference: { locale: 'en-us', disableNotifications: false },
      },
    ],
    ids: [{ id: '123', profileType: 'Duns' }],
  },
  consent: {
    consentToContact: true,
    consentToToShareInfoWithOthers: true,
    consentToShareReferralWithMicrosoftSellers: true,
  },
  details: {
    notes: 'n',
    dealValue: 1,
    currency: 'USD',
    closingDateTime: '2026-03-01T00:00:00Z',
    customerAction: 'x',
    customerRequestedContact: true,
    requirements: {
      industries: [{ id: 'Manufacturing' }],
      products: [{ id: 'Azure' }],
      services: [{ id: 'Integration' }],
      solutions: [{ id: 'SOL-1', name: 'S', type: 'Category' }],
    },
  },
  team: [{ email: 'seller@partner.example' }],
  inviteContext: {
    notes: 'hi',
    invitedBy: { organizationId: 'msft', organizationName: 'Microsoft' },
    assistanceRequestCode: 'QuotesOrLicensing',
  },
  target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
  eTag: '"abc"',
  links: { relatedReferrals: { uri: 'u', method: 'GET' }, self: { uri: 'u', method: 'GET' } },
};

describe('referral types against Microsoft’s swagger', () => {
  it('a fully populated Referral validates (no field outside the swagger)', () => {
    assertValid('referral', fullReferral);
    const page: ReferralPage = {
      '@odata.context': 'c',
      '@odata.count': 1,
      value: [fullReferral],
      '@odata.nextLink': 'https://x/next',
    };
    assertValid('listResponse', page);
  });

  it('a NewReferral validates as a create body', () => {
    assertValid('createBody', newReferralBody());
  });

  it('every patchable path is exactly the swagger’s list, and every operation validates', () => {
    const swaggerPaths = patchSchema.items!.properties!.path.enum!;
    expect([...PATCHABLE_PATHS].sort()).to.deep.equal([...swaggerPaths].sort());
    const ops: ReferralPatchOperation[] = PATCHABLE_PATHS.map((path) => ({
      op: path.endsWith('-') ? 'add' : 'replace',
      path,
      value: 'x',
    }));
    assertValid('patchBody', ops);
  });

  it('enums match the swagger', () => {
    expect([...ASSISTANCE_REQUEST_CODES]).to.deep.equal(
      referralSchema.properties!.inviteContext.properties!.assistanceRequestCode.enum
    );
    expect([...SALES_STAGES]).to.deep.equal(referralSchema.properties!.salesStage.enum);
  });

  it('the validators reject what the swagger rejects', () => {
    expect(() => assertValid('referral', { ...fullReferral, salesStage: 'Negotiate' })).to.throw(/salesStage/);
    expect(() => assertValid('patchBody', [{ op: 'remove', path: '/status' }])).to.throw(/op/);
    expect(() => assertValid('referral', { ...fullReferral, notAField: 1 })).to.throw(/additional properties/);
  });
});
