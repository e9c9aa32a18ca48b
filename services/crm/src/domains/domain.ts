import {
  BrandedDomainRemoved,
  BrandedDomainConfigured,
  BrandedDomainVerified,
  type EventOf,
} from '@seren/contracts';

export type BrandedDomainEvent = EventOf<
  [typeof BrandedDomainConfigured, typeof BrandedDomainVerified, typeof BrandedDomainRemoved]
>;

/** One branded domain per agency or location: the stream is the organization's. */
export const brandedDomainStream = (organizationId: string) => `branded-domain-${organizationId}`;

export type DomainLevel = 'agency' | 'location';

export type BrandedDomainState =
  | { status: 'none' }
  | {
      status: 'unverified' | 'verified';
      organizationId: string;
      level: DomainLevel;
      domain: string;
      verificationToken: string;
    };

export const initialBrandedDomainState = (): BrandedDomainState => ({ status: 'none' });

export function evolveBrandedDomain(state: BrandedDomainState, event: BrandedDomainEvent): BrandedDomainState {
  switch (event.type) {
    case 'BrandedDomainConfigured': {
      const { organizationId, level, domain, verificationToken } = event.data;
      return { status: 'unverified', organizationId, level, domain, verificationToken };
    }
    case 'BrandedDomainVerified':
      return state.status === 'none' ? state : { ...state, status: 'verified' };
    case 'BrandedDomainRemoved':
      return { status: 'none' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** Where the owner publishes the TXT record that proves it controls `domain`. */
export const VERIFICATION_RECORD_PREFIX = '_serebro-verify';
export const verificationRecordName = (domain: string) => `${VERIFICATION_RECORD_PREFIX}.${domain}`;
/** The TXT record's value (one character-string, or several that join to it). */
export const verificationRecordValue = (token: string) => `serebro-verify=${token}`;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain as given (`API.YourBrand.com.`, or pasted as `https://api.yourbrand.com/`) in its one
 * form: lower case, no scheme, path, port or trailing dot; or why it cannot be a branded domain: at
 * least two labels of letters, digits and inner hyphens (IDNs in their `xn--` form), at most 253
 * characters, not an IP address, not `localhost`.
 */
export function normalizeDomain(raw: string): { domain: string } | { problem: string } {
  let value = raw.trim().toLowerCase();
  value = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '');
  value = value.replace(/:\d+$/, '').replace(/\.$/, '');
  if (value === '') return { problem: 'domain is required' };
  if (value.length > 253) return { problem: 'domain must be at most 253 characters' };
  const labels = value.split('.');
  if (labels.length < 2) return { problem: 'domain must be a fully qualified host name, e.g. api.yourbrand.com' };
  if (!labels.every((label) => LABEL.test(label)))
    return { problem: 'domain may hold only letters, digits, hyphens and dots (an IDN in its xn-- form)' };
  if (/^\d+$/.test(labels[labels.length - 1]!)) return { problem: 'domain must be a host name, not an IP address' };
  if (labels[labels.length - 1] === 'localhost') return { problem: 'domain must be a public host name' };
  return { domain: value };
}
