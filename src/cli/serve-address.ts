/**
 * `DATA_DIR/serve.json`: where the running `callsheet serve` that owns this DATA_DIR's embedded
 * database takes local commands, and the secret they need. Readable by its owner only (0600), and
 * written whole (temporary file, then rename) so a CLI never reads half of it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServeAddress {
  pid: number;
  /** Base URL of the loopback listener, e.g. http://127.0.0.1:40123. */
  url: string;
  secret: string;
  startedAt: string;
}

export const serveAddressPath = (dataDir: string) => join(dataDir, 'serve.json');

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export async function writeServeAddress(dataDir: string, address: ServeAddress): Promise<void> {
  const path = serveAddressPath(dataDir);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(address)}\n`, { mode: 0o600 });
  await rename(temp, path);
}

export async function readServeAddress(dataDir: string): Promise<ServeAddress | undefined> {
  try {
    const parsed = JSON.parse(await readFile(serveAddressPath(dataDir), 'utf8')) as Partial<ServeAddress>;
    if (typeof parsed.url !== 'string' || typeof parsed.secret !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+$/.test(parsed.url)) return undefined;
    return parsed as ServeAddress;
  } catch {
    return undefined;
  }
}

/** Removes the file if it is still this server's (a newer server may have replaced it). */
export async function removeServeAddress(dataDir: string, secret: string): Promise<void> {
  const current = await readServeAddress(dataDir);
  if (current?.secret === secret) await unlink(serveAddressPath(dataDir)).catch(() => {});
}
