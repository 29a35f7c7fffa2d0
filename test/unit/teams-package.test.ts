import { readFileSync } from 'node:fs';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SEARCH_COMMAND_ID } from '../../adapters/teams/message-extension.js';
import { buildPackage, fillManifest } from '../../adapters/teams/package.js';

const APP_ID = '00000000-0000-0000-0000-00000000a11d';

/** Files of a zip, read through its central directory. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString();
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    files.set(name, inflateRawSync(archive.subarray(start, start + size)));
    at += 46 + nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
  }
  return files;
}

/** Width, height and RGBA pixels of a non-interlaced 8-bit RGBA PNG whose rows use filter 0. */
function decodePng(png: Buffer): { width: number; height: number; pixels: number[][] } {
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString() === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels: number[][] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    for (let x = 0; x < width; x++) pixels.push([...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 5 + x * 4)]);
  }
  return { width, height, pixels };
}

describe('Teams app package', () => {
  it('zips the manifest with the app id and host filled in, and both icons', () => {
    const files = unzip(buildPackage({ appId: APP_ID, host: 'callsheet.example.com' }));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0]).toMatchObject({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] });
    expect(manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title)).toEqual(['owner', 'oncall', 'find', 'deps', 'team', 'system', 'domain', 'stale', 'create', 'help']);
    expect(manifest.bots[0].commandLists.map((l: { scopes: string[] }) => l.scopes)).toEqual([['personal'], ['team'], ['groupChat']]);
    expect(manifest.composeExtensions[0].messageHandlers).toEqual([{ type: 'link', value: { domains: ['github.com'] } }]);
    expect(manifest.composeExtensions[0]).toMatchObject({ botId: APP_ID, commands: [{ id: SEARCH_COMMAND_ID, type: 'query' }] });
    expect(manifest.validDomains).toEqual(['callsheet.example.com']);
    expect(files.get('color.png')).toEqual(readFileSync(new URL('../../adapters/teams/manifest/color.png', import.meta.url)));
  });

  it('has a 192x192 color icon and a 32x32 outline that is white on transparent', () => {
    const color = decodePng(readFileSync(new URL('../../adapters/teams/manifest/color.png', import.meta.url)));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decodePng(readFileSync(new URL('../../adapters/teams/manifest/outline.png', import.meta.url)));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    for (const [r, g, b, a] of outline.pixels) expect(a === 0 || (r === 255 && g === 255 && b === 255)).toBe(true);
    expect(outline.pixels.some(([, , , a]) => a === 255)).toBe(true);
  });

  it('adds the Backstage host to the unfurled link domains (issue 16)', () => {
    const files = unzip(buildPackage({ appId: APP_ID, host: 'callsheet.example.com', backstageHost: 'backstage.example.com' }));
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    expect(manifest.composeExtensions[0].messageHandlers[0].value.domains).toEqual(['github.com', 'backstage.example.com']);
    expect(() => buildPackage({ appId: APP_ID, host: 'callsheet.example.com', backstageHost: 'https://x/' })).toThrow(/--backstage-host: expected/);
  });

  it('refuses a malformed app id or host, naming the option', () => {
    const template = readFileSync(new URL('../../adapters/teams/manifest/manifest.json', import.meta.url), 'utf8');
    expect(() => fillManifest(template, { appId: 'not-a-guid', host: 'callsheet.example.com' })).toThrow(/--app-id: expected/);
    expect(() => fillManifest(template, { appId: APP_ID, host: 'https://x' })).toThrow(/--host: expected/);
  });

  it('links privacy and terms to the pages the service serves, or to PRIVACY_URL / TERMS_URL (https only)', () => {
    const plain = JSON.parse(unzip(buildPackage({ appId: APP_ID, host: 'callsheet.example.com' })).get('manifest.json')!.toString());
    expect(plain.developer).toMatchObject({ privacyUrl: 'https://callsheet.example.com/privacy', termsOfUseUrl: 'https://callsheet.example.com/terms' });
    const own = JSON.parse(unzip(buildPackage({ appId: APP_ID, host: 'callsheet.example.com', privacyUrl: 'https://acme.example/privacy', termsUrl: 'https://acme.example/terms' })).get('manifest.json')!.toString());
    expect(own.developer).toMatchObject({ privacyUrl: 'https://acme.example/privacy', termsOfUseUrl: 'https://acme.example/terms' });
    expect(() => buildPackage({ appId: APP_ID, host: 'callsheet.example.com', privacyUrl: 'http://acme.example/privacy' })).toThrow(/--privacy-url: Teams needs an https URL/);
  });
});
