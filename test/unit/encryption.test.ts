/** Encryption at rest: AES-256-GCM, random IV per value, key id prefix, rotation by ENCRYPTION_KEY_PREVIOUS. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEncryptor } from '../../src/secrets/encryption.js';

const key = () => randomBytes(32).toString('base64');

describe('createEncryptor', () => {
  it('round-trips with a fresh IV each time and names its key', () => {
    const e = createEncryptor(key());
    const a = e.encrypt('xoxb-secret');
    const b = e.encrypt('xoxb-secret');
    expect(a).not.toBe(b);
    expect(a.startsWith(`v1:${e.keyId}:`)).toBe(true);
    expect(a).not.toContain('xoxb');
    expect(e.decrypt(a)).toBe('xoxb-secret');
  });

  it('after rotation reads old values with the previous key and writes with the new one', () => {
    const oldKey = key();
    const newKey = key();
    const sealedOld = createEncryptor(oldKey).encrypt('old token');
    const rotated = createEncryptor(newKey, oldKey);
    expect(rotated.decrypt(sealedOld)).toBe('old token');
    const sealedNew = rotated.encrypt('new token');
    expect(sealedNew.split(':')[1]).toBe(rotated.keyId);
    expect(() => createEncryptor(oldKey).decrypt(sealedNew)).toThrow(/neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS/);
  });

  it('refuses a tampered value and a key of the wrong size', () => {
    const e = createEncryptor(key());
    const sealed = e.encrypt('value').split(':');
    sealed[4] = Buffer.from('other').toString('base64url');
    expect(() => e.decrypt(sealed.join(':'))).toThrow();
    expect(() => createEncryptor('c2hvcnQ=')).toThrow(/ENCRYPTION_KEY: expected 32 bytes/);
  });
});
