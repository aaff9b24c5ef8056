// Fault injection: a full disk (ENOSPC) in the middle of writing a state file. Every JSON state file
// is written through writeJsonAtomically, so the old file must stay whole and no temp file remain.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeJsonAtomically } from '../../lib/atomic-file';

const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    // A full disk: the file is created and half written, then the write fails.
    writeFileSync: (path: string, data: string | Uint8Array, ...rest: unknown[]) => {
      if (!disk.full) return (fs.writeFileSync as (...a: unknown[]) => void)(path, data, ...rest);
      fs.writeFileSync(path, typeof data === 'string' ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
    },
  };
});

describe('a full disk during an atomic write', () => {
  it('leaves the old file whole and no temp file behind, and rethrows the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnas-fault-disk-'));
    const file = join(dir, 'result.json');
    writeJsonAtomically(file, { version: 1, rows: [1, 2, 3] });
    disk.full = true;
    try {
      expect(() => writeJsonAtomically(file, { version: 2, rows: [4, 5, 6] })).toThrow('ENOSPC: no space left on device');
    } finally {
      disk.full = false;
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, rows: [1, 2, 3] });
    expect(readdirSync(dir)).toEqual(['result.json']);
  });
});
