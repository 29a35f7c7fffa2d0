/**
 * Builds the Teams app package (manifest.json + icons in a zip) with the placeholders filled in:
 *   npm run teams:package -- --app-id <MICROSOFT_APP_ID> --host callsheet.example.com [--backstage-host backstage.example.com]
 *     [--privacy-url https://…] [--terms-url https://…] [--out file.zip]
 * The app id and host default to MICROSOFT_APP_ID and CALLSHEET_HOST from the environment, the
 * Backstage host (whose entity links unfurl, beside github.com) to the host of BACKSTAGE_URL, the
 * privacy and terms links to PRIVACY_URL / TERMS_URL, else to the /privacy and /terms pages Callsheet serves.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

const here = join(dirname(fileURLToPath(import.meta.url)), 'manifest');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/i;

export interface PackageValues {
  appId: string;
  host: string;
  /** Host of BACKSTAGE_URL: links to it unfurl (composeExtension/queryLink). */
  backstageHost?: string;
  /** PRIVACY_URL / TERMS_URL: the organisation's own pages (default: /privacy and /terms, served by Callsheet). */
  privacyUrl?: string;
  termsUrl?: string;
}

function httpsUrl(value: string, flag: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${flag}: expected an https URL, got "${value}"`);
  }
  // Teams refuses a package whose privacy or terms link is not https.
  if (parsed.protocol !== 'https:') throw new Error(`${flag}: Teams needs an https URL, got "${value}"`);
  return parsed.toString();
}

export function fillManifest(template: string, values: PackageValues): string {
  if (!GUID.test(values.appId)) throw new Error(`--app-id: expected the bot's Microsoft App ID (a GUID), got "${values.appId}"`);
  if (!HOST.test(values.host)) throw new Error(`--host: expected the public host name of the bot (e.g. callsheet.example.com), got "${values.host}"`);
  if (values.backstageHost !== undefined && !HOST.test(values.backstageHost)) throw new Error(`--backstage-host: expected the host name of Backstage (e.g. backstage.example.com), got "${values.backstageHost}"`);
  const filled = template.replaceAll('{{MICROSOFT_APP_ID}}', values.appId).replaceAll('{{CALLSHEET_HOST}}', values.host);
  const left = filled.match(/\{\{[A-Z_]+\}\}/);
  if (left) throw new Error(`manifest.json has a placeholder this script does not fill: ${left[0]}`);
  const manifest = JSON.parse(filled) as { developer: { privacyUrl: string; termsOfUseUrl: string }; composeExtensions?: Array<{ messageHandlers?: Array<{ type: string; value: { domains: string[] } }> }> };
  if (!values.backstageHost && !values.privacyUrl && !values.termsUrl) return filled;
  if (values.privacyUrl) manifest.developer.privacyUrl = httpsUrl(values.privacyUrl, '--privacy-url');
  if (values.termsUrl) manifest.developer.termsOfUseUrl = httpsUrl(values.termsUrl, '--terms-url');
  if (values.backstageHost) for (const handler of manifest.composeExtensions?.[0]?.messageHandlers ?? []) {
    if (handler.type === 'link' && !handler.value.domains.includes(values.backstageHost)) handler.value.domains.push(values.backstageHost);
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A zip archive (deflate) of flat files: what the Teams admin center and Developer Portal accept. */
function zip(files: Array<{ name: string; data: Buffer }>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(files.map((f) => [f.name, new Uint8Array(f.data)]))));
}

export function buildPackage(values: PackageValues): Buffer {
  const manifest = fillManifest(readFileSync(join(here, 'manifest.json'), 'utf8'), values);
  return zip([
    { name: 'manifest.json', data: Buffer.from(manifest, 'utf8') },
    { name: 'color.png', data: readFileSync(join(here, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(here, 'outline.png')) },
  ]);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const appId = arg('app-id') ?? process.env.MICROSOFT_APP_ID ?? '';
    const host = arg('host') ?? process.env.CALLSHEET_HOST ?? '';
    const out = arg('out') ?? 'dist/callsheet-teams.zip';
    const backstage = arg('backstage-host') ?? (process.env.BACKSTAGE_URL ? new URL(process.env.BACKSTAGE_URL).host : undefined);
    const privacyUrl = arg('privacy-url') ?? process.env.PRIVACY_URL;
    const termsUrl = arg('terms-url') ?? process.env.TERMS_URL;
    const archive = buildPackage({ appId, host, ...(backstage ? { backstageHost: backstage } : {}), ...(privacyUrl ? { privacyUrl } : {}), ...(termsUrl ? { termsUrl } : {}) });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, archive);
    process.stdout.write(`Wrote ${out} (${archive.length} bytes): upload it in Teams > Apps > Manage your apps > Upload an app.\n`);
  } catch (error) {
    process.stderr.write(`teams:package: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
