// The folder lock (lib/folder-lock.ts): one writer at a time, the holder named to the second, a dead
// holder on this machine taken over at once, one elsewhere only once stale, and a takeover noticed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderLockedError, LOCK_DIR, LOCK_OWNER_FILE, LOCK_STALE_MS, lockFolder, lockFolderSync, OWNERLESS_GRACE_MS, readOwner } from '../lib/folder-lock';

const folder = (): string => mkdtempSync(join(tmpdir(), 'dnas-lock-'));

/** A lock left behind by `owner` (as a killed holder leaves it), its mtime `ageMs` in the past. */
function leftBehind(dir: string, owner: Record<string, unknown>, ageMs: number): void {
  mkdirSync(join(dir, LOCK_DIR), { recursive: true });
  writeFileSync(join(dir, LOCK_OWNER_FILE), JSON.stringify({ since: '2026-01-01T00:00:00.000Z', purpose: 'a killed run', token: 'old', ...owner }));
  const when = new Date(Date.now() - ageMs);
  utimesSync(join(dir, LOCK_DIR), when, when);
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('lockFolder', () => {
  it('refuses a second writer, naming the holder; takes the lock once it is released', async () => {
    const dir = folder();
    const first = await lockFolder(dir, 'the first writer');
    expect(first.owner).toMatchObject({ pid: process.pid, host: hostname(), purpose: 'the first writer' });
    expect(readOwner(dir)?.token).toBe(first.owner.token);
    await expect(lockFolder(dir, 'a second writer')).rejects.toThrow(new FolderLockedError(dir, first.owner).message);
    expect(() => lockFolderSync(dir, 'a synchronous writer')).toThrow(FolderLockedError);
    expect(first.isHeld()).toBe(true);
    await first.release();
    expect(first.isHeld()).toBe(false);
    expect([existsSync(join(dir, LOCK_DIR)), existsSync(join(dir, LOCK_OWNER_FILE))]).toEqual([false, false]);
    const second = lockFolderSync(dir, 'a synchronous writer');
    expect(second.isHeld()).toBe(true);
    await second.release();
  });

  it('takes over at once the lock of a holder that died on this machine, however fresh', async () => {
    const dir = folder();
    leftBehind(dir, { pid: deadPid(), host: hostname() }, 0);
    const lock = await lockFolder(dir, 'the rerun');
    expect(readOwner(dir)?.purpose).toBe('the rerun');
    await lock.release();
  });

  it('waits out a holder on another machine until its lock is stale', async () => {
    const dir = folder();
    leftBehind(dir, { pid: 1, host: 'another-host' }, 1_000);
    await expect(lockFolder(dir, 'here')).rejects.toThrow(`is locked by pid 1 on host another-host since 2026-01-01T00:00:00.000Z (a killed run)`);
    leftBehind(dir, { pid: 1, host: 'another-host' }, LOCK_STALE_MS + 5_000);
    const lock = await lockFolder(dir, 'here');
    expect(readOwner(dir)?.host).toBe(hostname());
    await lock.release();
  });

  it('tells its holder when another writer took the folder over', async () => {
    const dir = folder();
    const lock = await lockFolder(dir, 'slow writer');
    writeFileSync(join(dir, LOCK_OWNER_FILE), JSON.stringify({ ...lock.owner, token: 'someone-else' }));
    expect(lock.isHeld()).toBe(false);
    await lock.release();
    // release leaves the other writer's owner file alone
    expect(readOwner(dir)?.token).toBe('someone-else');
  });

  it('waits for a holder caught between its mkdir and its owner file, then names it', async () => {
    const dir = folder();
    mkdirSync(join(dir, LOCK_DIR));
    const owner = { pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', purpose: 'a writer naming itself', token: 'other' };
    setTimeout(() => writeFileSync(join(dir, LOCK_OWNER_FILE), JSON.stringify(owner)), 150);
    await expect(lockFolder(dir, 'second')).rejects.toThrow(new FolderLockedError(dir, owner).message);
  });

  it('takes a lock released while it waited for the owner file, without waiting out the grace', async () => {
    const dir = folder();
    mkdirSync(join(dir, LOCK_DIR));
    setTimeout(() => rmdirSync(join(dir, LOCK_DIR)), 100);
    const started = Date.now();
    const lock = await lockFolder(dir, 'after a release');
    expect(Date.now() - started).toBeLessThan(OWNERLESS_GRACE_MS);
    expect(readOwner(dir)?.purpose).toBe('after a release');
    await lock.release();
  });

  it('takes over a lock still without an owner file after the grace (its holder was killed between the two)', async () => {
    for (const take of [(dir: string) => lockFolder(dir, 'rerun'), async (dir: string) => lockFolderSync(dir, 'rerun')]) {
      const dir = folder();
      mkdirSync(join(dir, LOCK_DIR));
      const started = Date.now();
      const lock = await take(dir);
      expect(Date.now() - started).toBeGreaterThanOrEqual(OWNERLESS_GRACE_MS - 50);
      expect(readOwner(dir)?.purpose).toBe('rerun');
      await lock.release();
      expect(existsSync(join(dir, LOCK_DIR))).toBe(false);
    }
  });

  it('makes the folder again when it is removed while the lock is being taken (a finished trainer removes its lock folder)', async () => {
    const dir = join(folder(), 'entry.partial');
    const taking = lockFolder(dir, 'after a removal');
    rmSync(dir, { recursive: true });
    const lock = await taking;
    expect(readOwner(dir)?.purpose).toBe('after a removal');
    await lock.release();
  });
});
