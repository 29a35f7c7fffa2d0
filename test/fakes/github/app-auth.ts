/** GitHub App endpoints: the app's JWT finds its installation and trades it for an installation token. */
import { randomBytes, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { FakeOrg } from './model.js';
import { notFound, type FakeRequest, type FakeResponse, type Router } from './router.js';

export interface FakeApp {
  id: string;
  publicKey: KeyObject;
  installationId: number;
}

async function appFrom(req: FakeRequest, app: FakeApp): Promise<boolean> {
  const m = /^bearer (.+)$/i.exec(String(req.headers.authorization ?? ''));
  if (!m) return false;
  try {
    const { payload } = await jwtVerify(m[1], app.publicKey, { algorithms: ['RS256'] });
    return String(payload.iss) === app.id;
  } catch {
    return false;
  }
}

const unauthorized: FakeResponse = { status: 401, body: { message: 'A JSON web token could not be decoded' } };

export function appRoutes(router: Router, org: FakeOrg, app: FakeApp, tokens: Set<string>): void {
  router
    .add('GET', '/orgs/:org/installation', async (req) => {
      if (!(await appFrom(req, app))) return unauthorized;
      if (req.params.org.toLowerCase() !== org.login.toLowerCase()) return notFound();
      return { status: 200, body: { id: app.installationId, app_id: Number(app.id), account: { login: org.login, type: 'Organization' }, target_type: 'Organization' } };
    })
    .add('POST', '/app/installations/:id/access_tokens', async (req) => {
      if (!(await appFrom(req, app))) return unauthorized;
      if (Number(req.params.id) !== app.installationId) return notFound();
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      tokens.add(token);
      return { status: 201, body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { contents: 'read', metadata: 'read' }, repository_selection: 'all' } };
    });
}
