/**
 * GET /privacy and GET /terms: the pages the Teams app package links to (Teams requires both URLs
 * and shows them on the app's page). With PRIVACY_URL / TERMS_URL set they redirect to the
 * organisation's own pages; otherwise they describe what this self-hosted service keeps, so the
 * links an admin sees in Teams never lead to a 404.
 */
import express, { type Router } from 'express';

export interface LegalPages {
  PRIVACY_URL?: string;
  TERMS_URL?: string;
}

const page = (title: string, paragraphs: string[]) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
  `<body style="font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; line-height: 1.5">` +
  `<h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`;

export const PRIVACY_PAGE = page('Callsheet: privacy', [
  'Callsheet is a self-hosted catalog bot: this instance is run by your organisation, on its own infrastructure, and sends nothing to the makers of Callsheet.',
  'It keeps the software catalog it reads from your Git repositories (services, teams and their members as written there), the chat user ids it matched to catalog users, scaffolder tasks you started, and an audit log of commands and API calls (who, what, when; secrets are never recorded). The audit log is deleted after the retention period your administrators set.',
  'It reads messages only when you address it: a slash command, a mention of the bot, a direct message to it, or a link you paste where it is installed.',
  'Questions about this instance go to the team that runs it.',
]);

export const TERMS_PAGE = page('Callsheet: terms of use', [
  'This Callsheet instance is provided by your organisation for its own people. Its answers come from your catalog files: check what matters before you act on it.',
  'Callsheet is open-source software under the Apache License 2.0, provided "as is", without warranties or conditions of any kind.',
]);

export function legalPagesRouter(config: LegalPages): Router {
  const router = express.Router();
  const serve = (path: string, external: string | undefined, html: string) =>
    router.get(path, (_req, res) => {
      if (external) return res.redirect(302, external);
      res.type('html').set('cache-control', 'public, max-age=3600').send(html);
    });
  serve('/privacy', config.PRIVACY_URL, PRIVACY_PAGE);
  serve('/terms', config.TERMS_URL, TERMS_PAGE);
  return router;
}
