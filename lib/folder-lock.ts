// A lock on a folder that one writer holds at a time — a seed folder while its search runs, a cache
// entry while it is trained — across threads, processes and machines sharing one file system. The
// mechanism is proper-lockfile's (an atomic mkdir, an mtime its holder refreshes, stale takeover);
// this adds who holds it, for the message a second writer gets, and the quick takeover of a lock
// whose holder died on this machine. It never decides what a folder holds or when work is done.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import * as lockfile from 'proper-lockfile';
import { writeJsonAtomically } from './atomic-file';

/** The lock's folder inside the locked folder (proper-lockfile's mkdir target; hidden from listings). */
export const LOCK_DIR = '.lock';
/** Who holds it, written beside the lock by the holder. */
export const LOCK_OWNER_FILE = '.lock-owner.json';

/**
 * A lock its holder has not refreshed for this long is stale and may be taken over from any
 * machine. The holder refreshes it every half of this from its event loop, which must not be
 * blocked that long: the runner holds seed locks on the thread that dispatches jobs, never on one
 * that computes (an inline run, workers 0, computes on it: see docs/results.md).
 */
export const LOCK_STALE_MS = 120_000;

/**
 * A live holder writes its owner file right after its mkdir and removes it right before its rmdir,
 * so a lock seen without one is either in that instant or left by a holder killed inside it. A
 * second writer waits this long for the owner file to appear (or the lock to go) and then takes
 * an ownerless lock over.
 */
export const OWNERLESS_GRACE_MS = 2_000;
const OWNER_POLL_MS = 20;

/** Who holds a lock. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** What the holder is doing, e.g. 'dnas search (nb201 re-300 seed 3)'. */
  readonly purpose: string;
  /** Unique per acquisition: tells a holder whether the lock is still its own. */
  readonly token: string;
}

/** Thrown when another live writer holds the folder. */
export class FolderLockedError extends Error {
  override name = 'FolderLockedError';
  constructor(readonly dir: string, readonly owner: LockOwner | null) {
    super(
      owner === null
        ? `${dir} is locked by another writer that has not named itself yet (no ${LOCK_OWNER_FILE}); try again`
        : `${dir} is locked by pid ${owner.pid} on host ${owner.host} since ${owner.since} (${owner.purpose}); wait for it to finish or stop it (a lock not refreshed for ${LOCK_STALE_MS / 1000} s is taken over)`,
    );
  }
}

/** A held lock. */
export interface FolderLock {
  readonly dir: string;
  readonly owner: LockOwner;
  /** True while this holder's owner file is still in place (false after a takeover or release). */
  isHeld(): boolean;
  /** Release it (idempotent). */
  release(): Promise<void>;
}

/**
 * Take the lock on `dir` (created if missing), or fail at once when another live writer holds it.
 * A lock whose holder process is gone from this machine is taken over at once; one from another
 * machine once it is stale (LOCK_STALE_MS without refresh).
 * @param purpose shown to a second writer in its error.
 * @throws FolderLockedError naming the holder's pid, host, time and purpose.
 */
export async function lockFolder(dir: string, purpose: string): Promise<FolderLock> {
  mkdirSync(dir, { recursive: true });
  const state = { compromised: null as Error | null };
  const options = lockOptions(dir, state);
  let unlock: () => Promise<void>;
  try {
    unlock = await lockfile.lock(dir, options).catch((error: unknown) => {
      if (!isGone(error)) throw error;
      // The folder was removed meanwhile (a trainer that finished removes its lock folder): make it again.
      mkdirSync(dir, { recursive: true });
      return lockfile.lock(dir, options);
    });
  } catch (error) {
    if (isLocked(error)) {
      for (let waited = 0; waited < OWNERLESS_GRACE_MS && awaitingOwner(dir); waited += OWNER_POLL_MS) {
        await new Promise((resolve) => setTimeout(resolve, OWNER_POLL_MS));
      }
    }
    takeOverIfDead(dir, error);
    try {
      unlock = await lockfile.lock(dir, options);
    } catch (again) {
      throw lockedError(dir, again);
    }
  }
  return held(dir, purpose, state, () => unlock());
}

/**
 * lockFolder for code that cannot wait (a synchronous training loop): the same lock, taken at
 * once or refused. Its holder refreshes it only when its event loop gets a turn, so a holder
 * that computes without pause for over LOCK_STALE_MS looks dead to other machines (not to this one).
 * @throws FolderLockedError as lockFolder.
 */
export function lockFolderSync(dir: string, purpose: string): FolderLock {
  mkdirSync(dir, { recursive: true });
  const state = { compromised: null as Error | null };
  const options = lockOptions(dir, state);
  let unlock: () => void;
  try {
    try {
      unlock = lockfile.lockSync(dir, options);
    } catch (error) {
      if (!isGone(error)) throw error;
      mkdirSync(dir, { recursive: true });
      unlock = lockfile.lockSync(dir, options);
    }
  } catch (error) {
    if (isLocked(error)) {
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (let waited = 0; waited < OWNERLESS_GRACE_MS && awaitingOwner(dir); waited += OWNER_POLL_MS) {
        Atomics.wait(pause, 0, 0, OWNER_POLL_MS);
      }
    }
    takeOverIfDead(dir, error);
    try {
      unlock = lockfile.lockSync(dir, options);
    } catch (again) {
      throw lockedError(dir, again);
    }
  }
  return held(dir, purpose, state, async () => unlock());
}

/** proper-lockfile's options for a folder's lock; a compromise (the lock taken over) is recorded in `state`. */
function lockOptions(dir: string, state: { compromised: Error | null }) {
  return {
    lockfilePath: join(dir, LOCK_DIR),
    stale: LOCK_STALE_MS,
    retries: 0,
    onCompromised: (error: Error) => {
      state.compromised = error;
    },
  };
}

/**
 * After a refused attempt (and the wait for an owner file): when the holder died on this machine
 * (kill -9, a crash; its pid is gone), or the lock still has no owner file (its holder was killed
 * between its mkdir and writing the file), nobody will refresh it, so it is removed for a second
 * attempt. Otherwise throws FolderLockedError naming the holder (or the attempt's own error when it
 * was not ELOCKED). A lock released meanwhile needs nothing removed.
 */
function takeOverIfDead(dir: string, error: unknown): void {
  if (!isLocked(error)) throw error;
  const owner = readOwner(dir);
  if (owner !== null && (owner.host !== hostname() || isAlive(owner.pid))) throw new FolderLockedError(dir, owner);
  rmdirIfPresent(join(dir, LOCK_DIR));
}

function isGone(error: unknown): boolean {
  return (error as { code?: string }).code === 'ENOENT';
}

function isLocked(error: unknown): boolean {
  return (error as { code?: string }).code === 'ELOCKED';
}

/** A lock is there but its owner file is not (yet): the holder is between its mkdir and naming itself, or died there. */
function awaitingOwner(dir: string): boolean {
  return existsSync(join(dir, LOCK_DIR)) && readOwner(dir) === null;
}

function lockedError(dir: string, error: unknown): unknown {
  return isLocked(error) ? new FolderLockedError(dir, readOwner(dir)) : error;
}

/** The held lock: writes the owner file and answers isHeld / release. */
function held(dir: string, purpose: string, state: { compromised: Error | null }, unlock: () => Promise<void>): FolderLock {
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), purpose, token: randomUUID() };
  writeJsonAtomically(join(dir, LOCK_OWNER_FILE), owner);
  let released = false;
  return {
    dir,
    owner,
    isHeld: () => !released && state.compromised === null && holdsLock(dir, owner.token),
    release: async () => {
      if (released) return;
      released = true;
      if (holdsLock(dir, owner.token)) rmSync(join(dir, LOCK_OWNER_FILE), { force: true });
      if (state.compromised === null) await unlock().catch(() => undefined);
    },
  };
}

/**
 * Whether a live writer holds `dir`'s lock: its lock folder is there and was refreshed within
 * LOCK_STALE_MS, and a holder on this machine still runs (one killed here leaves a fresh lock behind).
 * For reports (a grid's status); taking the lock is lockFolder's business.
 */
export function lockIsLive(dir: string): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(join(dir, LOCK_DIR)).mtimeMs;
  } catch {
    return false;
  }
  if (Date.now() - mtimeMs >= LOCK_STALE_MS) return false;
  const owner = readOwner(dir);
  return owner === null || owner.host !== hostname() || isAlive(owner.pid);
}

/** Whether the lock with `token` is still the folder's (its owner file names it): false after a takeover or release. */
export function holdsLock(dir: string, token: string): boolean {
  return readOwner(dir)?.token === token;
}

/** The owner file of a lock, or null when there is none or it cannot be read (a holder mid-write). */
export function readOwner(dir: string): LockOwner | null {
  try {
    const value = JSON.parse(readFileSync(join(dir, LOCK_OWNER_FILE), 'utf8')) as LockOwner;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? value : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: string }).code === 'EPERM';
  }
}

function rmdirIfPresent(path: string): void {
  try {
    rmdirSync(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}
