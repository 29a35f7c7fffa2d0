/**
 * Encryption at rest for secrets kept in the database (Slack bot and refresh tokens). AES-256-GCM,
 * a random 12-byte IV per value, and the key's id in front so that after a rotation values written
 * with ENCRYPTION_KEY_PREVIOUS still decrypt while every new write uses ENCRYPTION_KEY.
 * Format: `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface Encryptor {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Id of the key new values are written with. */
  keyId: string;
}

interface Key {
  id: string;
  bytes: Buffer;
}

/** A key is 32 bytes, written as base64 (44 characters) or hex (64 characters). */
export function parseKey(value: string, name: string): Key {
  const text = value.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length !== 32) throw new Error(`${name}: expected 32 bytes as base64 or hex (e.g. \`openssl rand -base64 32\`), got ${bytes.length} bytes`);
  // The id names the key without revealing it: a short hash, so a reader can tell which key sealed a value.
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  return { id, bytes };
}

export function createEncryptor(current: string, previous?: string): Encryptor {
  const key = parseKey(current, 'ENCRYPTION_KEY');
  const keys = new Map<string, Key>([[key.id, key]]);
  if (previous) {
    const old = parseKey(previous, 'ENCRYPTION_KEY_PREVIOUS');
    keys.set(old.id, old);
  }
  return {
    keyId: key.id,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', key.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(sealed) {
      const [version, id, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !id || !iv || !tag || body === undefined) throw new Error('encrypted value: not in the v1:<key id>:<iv>:<tag>:<data> format');
      const use = keys.get(id);
      if (!use) throw new Error(`encrypted value: sealed with key ${id}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`);
      const decipher = createDecipheriv('aes-256-gcm', use.bytes, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
