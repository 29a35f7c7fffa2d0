/**
 * How the Teams endpoint authenticates: Bot Framework JWTs when an app id is set, nothing at all in
 * the local-emulator mode, and off otherwise. The endpoint overrides switch botbuilder to its
 * parameterized authentication with every URL given, so no request can fall back to a Microsoft host.
 */
import { ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { AuthenticationConstants, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { TeamsEnv } from '../../src/config/teams.js';
import { ClientSecretCredentialsFactory } from './client-credentials.js';

export type TeamsAuthConfig = Pick<
  TeamsEnv,
  | 'MICROSOFT_APP_ID'
  | 'MICROSOFT_APP_PASSWORD'
  | 'MICROSOFT_APP_TENANT_ID'
  | 'MICROSOFT_APP_TYPE'
  | 'TEAMS_ALLOW_UNAUTHENTICATED'
  | 'TEAMS_OPENID_METADATA_URL'
  | 'TEAMS_TOKEN_ISSUER'
  | 'TEAMS_LOGIN_URL'
>;

export type TeamsMode = 'authenticated' | 'unauthenticated' | 'off';

export function teamsMode(config: TeamsAuthConfig): TeamsMode {
  if (config.MICROSOFT_APP_ID) return 'authenticated';
  return config.TEAMS_ALLOW_UNAUTHENTICATED ? 'unauthenticated' : 'off';
}

const PUBLIC_LOGIN = 'https://login.microsoftonline.com';
const PUBLIC_CALLER_ID = 'urn:botframework:azure';

export function createAuthentication(config: TeamsAuthConfig): ConfigurationBotFrameworkAuthentication {
  const appId = config.MICROSOFT_APP_ID ?? '';
  const options: Record<string, string | boolean | null> = {
    MicrosoftAppId: appId,
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD ?? '',
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID ?? '',
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
  };
  const overridden = Boolean(config.TEAMS_OPENID_METADATA_URL || config.TEAMS_TOKEN_ISSUER || config.TEAMS_LOGIN_URL);
  if (overridden) {
    const tenant = config.MICROSOFT_APP_TYPE === 'MultiTenant' ? AuthenticationConstants.DefaultChannelAuthTenant : config.MICROSOFT_APP_TENANT_ID;
    Object.assign(options, {
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: `${config.TEAMS_LOGIN_URL ?? PUBLIC_LOGIN}/${tenant}`,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: config.TEAMS_TOKEN_ISSUER ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      // Emulator tokens are recognised by Microsoft issuers only; pointing their metadata at the same
      // document keeps every key look-up on the configured host.
      ToBotFromEmulatorOpenIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      CallerId: PUBLIC_CALLER_ID,
    });
  }
  let credentials: ServiceClientCredentialsFactory | undefined;
  if (config.TEAMS_LOGIN_URL && appId && config.MICROSOFT_APP_PASSWORD) {
    credentials = new ClientSecretCredentialsFactory(appId, config.MICROSOFT_APP_PASSWORD, String(options.ToChannelFromBotLoginUrl));
  } else {
    credentials = new ConfigurationServiceClientCredentialFactory(options as ConstructorParameters<typeof ConfigurationServiceClientCredentialFactory>[0]);
  }
  return new ConfigurationBotFrameworkAuthentication(
    options as ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0],
    credentials,
  );
}

/**
 * Channels whose tokens botbuilder checks against fixed Microsoft endpoints, ignoring every
 * override: `AseChannel` (App Service Environment) tokens are verified against the Emulator's
 * OpenID metadata on login.microsoftonline.com, set by `AseChannelValidation.init` when the
 * authentication is built. Callsheet serves Teams (and the Emulator), never ASE, so such an
 * activity is refused before botbuilder looks at it: no key fetch leaves for a host the operator
 * did not configure, and nothing of the activity is acted on.
 */
export function refusedChannel(channelId: unknown): string | undefined {
  return typeof channelId === 'string' && channelId.trim().toLowerCase() === 'asechannel' ? channelId : undefined;
}
