/**
 * The last line of defence for a complaint: when the store cannot take an inbound message, the
 * webhook appends it here (one JSON object per line, fsync'ed) and still answers Twilio 200;
 * the spool replayer moves it into the store later.
 *
 * Lock-free and safe across processes: the replayer claims the active file by renaming it, and
 * an append that might have landed in a file already claimed (its inode is no longer the one at
 * the active path) is written again to the new active file; the replayer also waits a moment
 * after claiming before it reads, so appends already in flight finish first. A line can therefore appear twice,
 * never zero times; replay is idempotent because the store deduplicates by MessageSid.
 */
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InboundMessage } from '../../domain/message';

export const ACTIVE_SPOOL_FILE = 'intake.jsonl';
/** Claimed files are named `intake.<claim>.replaying.jsonl` until fully replayed. */
export const CLAIMED_SPOOL_PATTERN = /^intake\.[\w-]+\.replaying\.jsonl$/;

export interface IntakeSpool {
  readonly dir: string;
  /** Resolves once the line is on disk (file and directory fsync'ed). */
  append(message: InboundMessage): Promise<void>;
}

/** The spool could not write: the caller must not answer Twilio 200. */
export class SpoolWriteError extends Error {
  readonly code = 'spool_write_failed';
  constructor(override readonly cause: unknown) {
    super(`could not append to the intake spool: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'SpoolWriteError';
  }
}

const MAX_APPEND_ATTEMPTS = 5;

export interface IntakeSpoolOptions {
  dir: string;
  /**
   * Test seam, called between opening the active file and writing to it: the moment a replay
   * may claim (rename) the file under the append. Lets a test run that race deterministically.
   */
  onFileOpened?: () => Promise<void>;
}

export function createIntakeSpool(options: IntakeSpoolOptions): IntakeSpool {
  const activePath = join(options.dir, ACTIVE_SPOOL_FILE);

  async function appendOnce(line: string): Promise<boolean> {
    await mkdir(options.dir, { recursive: true });
    const file = await open(activePath, 'a', 0o600);
    let written: { dev: number; ino: number };
    try {
      await options.onFileOpened?.();
      await file.appendFile(line, 'utf8');
      await file.sync();
      written = await file.stat();
    } finally {
      await file.close();
    }
    await syncDirectory(options.dir);
    const current = await stat(activePath).catch(() => null);
    return current !== null && current.ino === written.ino && current.dev === written.dev;
  }

  return {
    dir: options.dir,
    async append(message) {
      const line = `${JSON.stringify(message)}\n`;
      try {
        for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
          if (await appendOnce(line)) return;
        }
      } catch (error) {
        throw new SpoolWriteError(error);
      }
      throw new SpoolWriteError(new Error('the spool file kept being claimed while appending'));
    },
  };
}

/** A new file's name is durable only once its directory is fsync'ed. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Claimed files left by earlier (possibly crashed) replays, oldest claim first. */
export async function listClaimedSpoolFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.filter((name) => CLAIMED_SPOOL_PATTERN.test(name)).sort();
}
