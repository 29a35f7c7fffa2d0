/**
 * Slack's oauth.v2.access for the fake Web API: exchanges a one-time code (authorization_code grant)
 * or a refresh token (refresh_token grant, token rotation) for a bot token, answering in Slack's
 * documented shape (team/enterprise objects, is_enterprise_install, authed_user, and with rotation
 * refresh_token + expires_in). Tokens it issues are accepted by the fake's other methods.
 */
import { randomBytes } from 'node:crypto';

export interface FakeGrant {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  /** Issue rotating tokens (refresh_token + expires_in). */
  rotate?: boolean;
  /** Seconds until a rotating token expires (Slack: 43200). */
  expiresIn?: number;
}

export interface FakeOAuth {
  clientId: string;
  clientSecret: string;
  /** A code Slack would hand the browser on its way to the redirect URL. */
  code(grant: FakeGrant): string;
  /** Every token issued and still valid. */
  tokens: Set<string>;
  /** The workspace (or, for an org-wide install, the enterprise) a token was issued for. */
  teamOf(token: string | undefined): string | undefined;
  /** The last token issued for a workspace or enterprise. */
  tokenOf(team: string): string | undefined;
  answer(args: Record<string, any>, authorization?: string): Record<string, unknown>;
}

const SCOPES = 'commands,chat:write,app_mentions:read';

export function createFakeOAuth(clientId = '1111.2222', clientSecret = 'fake-client-secret'): FakeOAuth {
  const codes = new Map<string, FakeGrant>();
  const refreshTokens = new Map<string, FakeGrant>();
  const tokens = new Set<string>();
  const teams = new Map<string, string>();
  const hex = () => randomBytes(12).toString('hex');
  function issue(grant: FakeGrant, rotated: boolean): Record<string, unknown> {
    const token = rotated ? `xoxe.xoxb-1-${hex()}` : `xoxb-1-${hex()}`;
    tokens.add(token);
    const home = grant.isEnterpriseInstall ? grant.enterpriseId : grant.teamId;
    if (home) teams.set(token, home);
    const rotation: Record<string, unknown> = {};
    if (grant.rotate) {
      const refresh = `xoxe-1-${hex()}`;
      refreshTokens.set(refresh, grant);
      Object.assign(rotation, { refresh_token: refresh, expires_in: rotated ? 43200 : (grant.expiresIn ?? 43200) });
    }
    return {
      ok: true,
      app_id: 'A0001',
      authed_user: { id: 'UINSTALLER' },
      scope: SCOPES,
      token_type: 'bot',
      access_token: token,
      bot_user_id: 'UBOT',
      team: grant.isEnterpriseInstall ? null : { id: grant.teamId, name: `Team ${grant.teamId}` },
      enterprise: grant.enterpriseId ? { id: grant.enterpriseId, name: `Org ${grant.enterpriseId}` } : null,
      is_enterprise_install: grant.isEnterpriseInstall ?? false,
      ...rotation,
    };
  }
  return {
    clientId,
    clientSecret,
    tokens,
    teamOf: (token) => (token ? teams.get(token) : undefined),
    tokenOf: (team) => [...teams].filter(([, t]) => t === team).at(-1)?.[0],
    code(grant) {
      const code = `code-${hex()}`;
      codes.set(code, grant);
      return code;
    },
    answer(args, authorization) {
      // Slack takes the client credentials in the body or as HTTP Basic auth.
      const basic = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':') : [];
      const id = args.client_id ?? basic[0];
      const secret = args.client_secret ?? basic[1];
      if (id !== clientId) return { ok: false, error: 'invalid_client_id' };
      if (secret !== clientSecret) return { ok: false, error: 'bad_client_secret' };
      if (args.grant_type === 'refresh_token') {
        const grant = refreshTokens.get(args.refresh_token);
        if (!grant) return { ok: false, error: 'invalid_refresh_token' };
        refreshTokens.delete(args.refresh_token);
        return issue(grant, true);
      }
      const grant = codes.get(args.code);
      if (!grant) return { ok: false, error: 'invalid_code' };
      codes.delete(args.code);
      return issue(grant, false);
    },
  };
}
