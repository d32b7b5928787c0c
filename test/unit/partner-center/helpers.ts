import tls from 'node:tls';
import {
  PartnerCenterClient,
  PartnerCenterTokenProvider,
  TokenStore,
  WebhookRegistrationClient,
  type HttpOptions,
} from '../../../src/partner-center/index.js';
import type { PartnerCenterEmulator } from '../../../emulators/partner-center/server.js';

/** Tokens the emulator issues (and the ones pcsync must never print). */
export const TOKEN_SHAPE = /pcemu-(at|rt|dc)\.[A-Za-z0-9_-]{20,}/;

const trusted = new Set<string>();

/** Trusts the emulator's CA in this process (Node 24), as NODE_EXTRA_CA_CERTS does for a child process. */
export function trustEmulator(emulator: Pick<PartnerCenterEmulator, 'caCertPem'>): void {
  if (trusted.has(emulator.caCertPem)) return;
  trusted.add(emulator.caCertPem);
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), emulator.caCertPem]);
}

export function headlessEnv(emulator: PartnerCenterEmulator): NodeJS.ProcessEnv {
  return {
    PCSYNC_TENANT_ID: emulator.tenantId,
    PCSYNC_CLIENT_ID: emulator.clientId,
    PCSYNC_REFRESH_TOKEN: emulator.refreshToken,
    PCSYNC_AUTHORITY: emulator.authority,
  };
}

export function emulatorSettings(
  emulator: PartnerCenterEmulator,
  concurrency = 4
): {
  referralsBaseUrl: string;
  webhooksBaseUrl: string;
  authority: string;
  tenantId: string;
  clientId: string;
  concurrency: number;
} {
  return {
    referralsBaseUrl: emulator.referralsBaseUrl,
    webhooksBaseUrl: emulator.webhooksBaseUrl,
    authority: emulator.authority,
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    concurrency,
  };
}

export type Clients = {
  referrals: PartnerCenterClient;
  webhooks: WebhookRegistrationClient;
  tokens: PartnerCenterTokenProvider;
  sleeps: number[];
};

/** Clients wired to an emulator with headless credentials and recorded (not slept) backoff delays. */
export function clientsFor(
  emulator: PartnerCenterEmulator,
  extra: Partial<HttpOptions> = {},
  concurrency = 4
): Clients {
  trustEmulator(emulator);
  const settings = emulatorSettings(emulator, concurrency);
  const tokens = new PartnerCenterTokenProvider({
    settings,
    env: headlessEnv(emulator),
    store: new TokenStore({ rootFolder: '/nonexistent-pcsync-test' }),
  });
  const sleeps: number[] = [];
  const options: HttpOptions = {
    tokens,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...extra,
  };
  return {
    referrals: new PartnerCenterClient(settings, options),
    webhooks: new WebhookRegistrationClient(settings, options),
    tokens,
    sleeps,
  };
}

export function newReferralBody(
  overrides: Record<string, unknown> = {}
): import('../../../src/partner-center/index.js').NewReferral {
  return {
    name: 'Contoso migration',
    externalReferenceId: '006000000000001AAA',
    type: 'Independent',
    qualification: 'SalesQualified',
    customerProfile: {
      name: 'Contoso Customer Inc',
      address: { addressLine1: 'One Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
      size: '10to50employees',
      team: [{ firstName: 'Sue', lastName: 'Smith', email: 'sue.smith@contoso.example', phoneNumber: '1234567890' }],
      ids: [],
    },
    consent: { consentToToShareInfoWithOthers: true, consentToContact: true },
    details: {
      notes: 'Migration',
      dealValue: 50000,
      currency: 'USD',
      closingDateTime: '2027-01-31T00:00:00Z',
      requirements: { solutions: [{ id: 'SOL-34104-EBB' }] },
    },
    team: [{ firstName: 'John', lastName: 'Doe', email: 'john.doe@partner.example' }],
    target: [{ type: 'SolutionProfile', id: 'SOL-34104-EBB' }],
    ...overrides,
  };
}
