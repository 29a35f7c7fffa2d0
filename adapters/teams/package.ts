/**
 * Builds the Teams app package (manifest.json + icons in a zip) with the placeholders filled in:
 *   npm run teams:package -- --app-id <MICROSOFT_APP_ID> --host callsheet.example.com [--out file.zip]
 * The app id and host default to MICROSOFT_APP_ID and CALLSHEET_HOST from the environment.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const here = join(dirname(fileURLToPath(import.meta.url)), 'manifest');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/i;

export function fillManifest(template: string, values: { appId: string; host: string }): string {
  if (!GUID.test(values.appId)) throw new Error(`--app-id: expected the bot's Microsoft App ID (a GUID), got "${values.appId}"`);
  if (!HOST.test(values.host)) throw new Error(`--host: expected the public host name of the bot (e.g. callsheet.example.com), got "${values.host}"`);
  const filled = template.replaceAll('{{MICROSOFT_APP_ID}}', values.appId).replaceAll('{{CALLSHEET_HOST}}', values.host);
  const left = filled.match(/\{\{[A-Z_]+\}\}/);
  if (left) throw new Error(`manifest.json has a placeholder this script does not fill: ${left[0]}`);
  JSON.parse(filled);
  return filled;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive (deflate) of flat files: what the Teams admin center and Developer Portal accept. */
export function zip(files: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const packed = deflateRawSync(file.data);
    const crc = crc32(file.data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0, 6);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(0, 10);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(file.data.length, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    locals.push(header, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += header.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export function buildPackage(values: { appId: string; host: string }): Buffer {
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
    const archive = buildPackage({ appId, host });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, archive);
    process.stdout.write(`Wrote ${out} (${archive.length} bytes): upload it in Teams > Apps > Manage your apps > Upload an app.\n`);
  } catch (error) {
    process.stderr.write(`teams:package: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
