/** API_TOKEN_SCOPES and API_TOKEN_USERS: backwards compatible (a token not listed is read-only, nobody), and checked. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { tokenGrant } from '../../src/http/api-auth.js';

const tokens = 'ci:0123456789abcdef0123,agent:fedcba9876543210fedc';

describe('API token scopes and users', () => {
  it('a token not listed keeps read only and acts as nobody, as before scopes existed', () => {
    const config = loadConfig({ API_TOKENS: tokens });
    expect(config.API_TOKEN_SCOPES).toEqual({});
    expect(tokenGrant({ scopes: config.API_TOKEN_SCOPES, users: config.API_TOKEN_USERS }, 'ci')).toEqual({ scopes: ['read'] });
    expect(tokenGrant({}, undefined)).toEqual({ scopes: ['read'] });
  });

  it('gives the listed scopes (read always included) and the User a token acts as', () => {
    const config = loadConfig({ API_TOKENS: tokens, API_TOKEN_SCOPES: 'agent:write', API_TOKEN_USERS: 'agent:user:default/alice-nguyen' });
    expect(tokenGrant({ scopes: config.API_TOKEN_SCOPES, users: config.API_TOKEN_USERS }, 'agent')).toEqual({ scopes: ['read', 'write'], user: 'user:default/alice-nguyen' });
  });

  it('refuses unknown scopes, malformed items and tokens not in API_TOKENS, naming the variable', () => {
    expect(() => loadConfig({ API_TOKENS: tokens, API_TOKEN_SCOPES: 'agent:admin' })).toThrow(/API_TOKEN_SCOPES.*unknown scope admin/s);
    expect(() => loadConfig({ API_TOKENS: tokens, API_TOKEN_SCOPES: 'agent' })).toThrow(/API_TOKEN_SCOPES/);
    expect(() => loadConfig({ API_TOKENS: tokens, API_TOKEN_USERS: 'ghost:alice' })).toThrow(/API_TOKEN_USERS: token "ghost" is not in API_TOKENS/);
  });
});
