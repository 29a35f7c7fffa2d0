/**
 * The bot's own access tokens from a login authority given by URL (TEAMS_LOGIN_URL): the OAuth 2.0
 * client-credentials grant, posted as the Microsoft identity platform expects it. MSAL, which botbuilder
 * uses for the public clouds, accepts only https authorities it can discover through Microsoft's
 * instance-discovery service, so a private authority (or the local fake in tests) needs this path.
 */
import { AppCredentials, ServiceClientCredentialsFactory, type ServiceClientCredentials } from 'botframework-connector';

const TOKEN_TIMEOUT_MS = 10_000;

class ClientSecretCredentials extends AppCredentials {
  constructor(
    appId: string,
    private readonly secret: string,
    private readonly authority: string,
    scope: string,
  ) {
    super(appId, undefined, scope);
  }

  protected override async refreshToken(): Promise<{ accessToken: string; expiresOn: Date }> {
    const scope = this.oAuthScope.endsWith('/.default') ? this.oAuthScope : `${this.oAuthScope}/.default`;
    const response = await fetch(`${this.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.appId, client_secret: this.secret, scope }),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new Error(`Bot token request to ${this.authority} failed: HTTP ${response.status}${typeof body.error === 'string' ? ` (${body.error})` : ''}`);
    }
    const seconds = Number(body.expires_in);
    return { accessToken: body.access_token, expiresOn: new Date(Date.now() + (Number.isFinite(seconds) ? seconds : 3600) * 1000) };
  }
}

export class ClientSecretCredentialsFactory extends ServiceClientCredentialsFactory {
  /** `authority` is the login URL with the tenant, e.g. https://login.example/botframework.com */
  constructor(
    private readonly appId: string,
    private readonly secret: string,
    private readonly authority: string,
  ) {
    super();
  }

  // Keeps the secret out of anything that serializes the factory.
  toJSON(): Record<string, string> {
    return { name: 'ClientSecretCredentialsFactory', appId: this.appId };
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(appId: string, audience: string | undefined, _loginEndpoint: string): Promise<ServiceClientCredentials> {
    if (appId !== this.appId) throw new Error('Invalid appId.');
    return new ClientSecretCredentials(appId, this.secret, this.authority, audience ?? 'https://api.botframework.com');
  }
}
