/**
 * Microsoft Teams (Bot Framework) settings. With no app id the Teams endpoint is off; the endpoint
 * overrides exist for sovereign or private clouds and for tests against a local fake connector.
 */
import { z } from 'zod';
import { bool, duration, list, optionalString, url } from './fields.js';

export const teamsEnv = z.object({
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'expected MultiTenant, SingleTenant or UserAssignedMSI' })
    .default('MultiTenant'),
  /** Local Bot Framework Emulator only: accept unsigned requests when no app id is set. Refused unless NODE_ENV is development or test. */
  TEAMS_ALLOW_UNAUTHENTICATED: bool(false),
  /** OpenID metadata document whose keys sign tokens from the channel (default: Bot Framework's). */
  TEAMS_OPENID_METADATA_URL: url,
  /** Issuer of tokens from the channel (default: https://api.botframework.com). */
  TEAMS_TOKEN_ISSUER: optionalString,
  /** Login authority base for the bot's own tokens, without tenant (default: https://login.microsoftonline.com). */
  TEAMS_LOGIN_URL: url,
  /** How long a Teams user's looked-up profile (email, catalog User) is trusted before it is fetched again. */
  TEAMS_IDENTITY_TTL: duration('24h'),
  /**
   * Tenants (Entra ID tenant ids, comma-separated) whose activities the bot answers; every other
   * tenant is ignored. Default: MICROSOFT_APP_TENANT_ID. Required for a MultiTenant app in production.
   */
  TEAMS_ALLOWED_TENANTS: list(''),
  /** The organisation's privacy statement and terms: the Teams package links here, and /privacy and /terms redirect here (default: pages the service serves). */
  PRIVACY_URL: url,
  TERMS_URL: url,
});

export type TeamsEnv = z.output<typeof teamsEnv>;

/**
 * The tenants whose activities are answered (lower-cased), or undefined for any tenant, which only
 * a development set-up without a tenant id gets (production refuses it, see below).
 */
export function allowedTenants(config: Pick<TeamsEnv, 'MICROSOFT_APP_TENANT_ID'> & Partial<Pick<TeamsEnv, 'TEAMS_ALLOWED_TENANTS'>>): string[] | undefined {
  const listed = config.TEAMS_ALLOWED_TENANTS?.length ? config.TEAMS_ALLOWED_TENANTS : config.MICROSOFT_APP_TENANT_ID ? [config.MICROSOFT_APP_TENANT_ID] : [];
  return listed.length ? listed.map((t) => t.trim().toLowerCase()) : undefined;
}

/** Problems that involve more than one variable; each names the variables involved. */
export function teamsConfigProblems(config: Omit<TeamsEnv, 'TEAMS_ALLOWED_TENANTS'> & Partial<Pick<TeamsEnv, 'TEAMS_ALLOWED_TENANTS'>> & { NODE_ENV: string }): string[] {
  const problems: string[] = [];
  // Allowed only where it is plainly a developer's machine: an unset, misspelt or custom NODE_ENV
  // (`prod`, `staging`, `Production`) is treated as a deployment.
  if (config.TEAMS_ALLOW_UNAUTHENTICATED && !['development', 'test'].includes(config.NODE_ENV)) {
    problems.push(`TEAMS_ALLOW_UNAUTHENTICATED: unauthenticated Teams requests are allowed only when NODE_ENV is development or test (it is "${config.NODE_ENV}")`);
  }
  if (!config.MICROSOFT_APP_ID) {
    if (config.MICROSOFT_APP_PASSWORD) problems.push('MICROSOFT_APP_PASSWORD: set, but MICROSOFT_APP_ID is missing');
    return problems;
  }
  switch (config.MICROSOFT_APP_TYPE) {
    case 'MultiTenant':
      if (!config.MICROSOFT_APP_PASSWORD) problems.push('MICROSOFT_APP_PASSWORD: required for a MultiTenant app');
      // A MultiTenant app can be installed by any organisation; in production only named ones are answered.
      if (config.NODE_ENV.trim().toLowerCase() === 'production' && !allowedTenants(config)) {
        problems.push('TEAMS_ALLOWED_TENANTS: required for a MultiTenant app in production (the tenant ids whose users the bot answers), or set MICROSOFT_APP_TENANT_ID');
      }
      break;
    case 'SingleTenant':
      if (!config.MICROSOFT_APP_PASSWORD) problems.push('MICROSOFT_APP_PASSWORD: required for a SingleTenant app');
      if (!config.MICROSOFT_APP_TENANT_ID) problems.push('MICROSOFT_APP_TENANT_ID: required for a SingleTenant app');
      break;
    case 'UserAssignedMSI':
      if (config.MICROSOFT_APP_PASSWORD) problems.push('MICROSOFT_APP_PASSWORD: must not be set for a UserAssignedMSI app');
      if (!config.MICROSOFT_APP_TENANT_ID) problems.push('MICROSOFT_APP_TENANT_ID: required for a UserAssignedMSI app');
      if (config.TEAMS_LOGIN_URL) problems.push('TEAMS_LOGIN_URL: not supported with a UserAssignedMSI app');
      break;
  }
  return problems;
}
