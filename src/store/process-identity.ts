import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who wrote a lock or a journal: the pid alone cannot say, because containers sharing a volume
 * each have their own pid namespace (node runs as PID 1 in every one of them) and a restarted
 * container reuses its pids. So the host name, the pid namespace (`/proc/self/ns/pid`) and the
 * process start time (`/proc/self/stat`, clock ticks since boot) go with it where the system has them.
 */
export interface ProcessIdentity {
  pid: number;
  host?: string;
  pidns?: string;
  start?: string;
}

/** What a writer named in a file is, as far as this process can tell. */
export type OwnerState = 'self' | 'alive' | 'gone' | 'foreign';

export const SELF: Readonly<ProcessIdentity> = Object.freeze(currentIdentity());

function currentIdentity(): ProcessIdentity {
  const me: ProcessIdentity = { pid: process.pid, host: hostname() };
  const ns = readLink('/proc/self/ns/pid');
  if (ns !== undefined) me.pidns = ns;
  const start = startTicks('self');
  if (start !== undefined) me.start = start;
  return me;
}

/**
 * `self`: this process (any of its threads); `alive` / `gone`: a process of our namespace that
 * exists / has exited (a pid reused by a newer process counts as gone); `foreign`: a writer on
 * another host or in another pid namespace, whose life this process cannot see. A foreign writer
 * is never taken for gone: its lock is never broken and its journal never folded.
 */
export function ownerState(owner: ProcessIdentity): OwnerState {
  if (
    (owner.host !== undefined && owner.host !== SELF.host) ||
    (owner.pidns !== undefined && SELF.pidns !== undefined && owner.pidns !== SELF.pidns)
  ) {
    return 'foreign';
  }
  if (owner.pid === process.pid) {
    // Same pid, other start time: an earlier process with our pid (node as PID 1 in a restarted container).
    return owner.start !== undefined && SELF.start !== undefined && owner.start !== SELF.start ? 'gone' : 'self';
  }
  if (!isProcessAlive(owner.pid)) return 'gone';
  if (owner.start === undefined) return 'alive';
  const start = startTicks(String(owner.pid));
  return start === undefined || start === owner.start ? 'alive' : 'gone';
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How an identity reads in a message. */
export function describeOwner(owner: ProcessIdentity): string {
  return [`pid ${owner.pid}`, owner.host && `host ${owner.host}`, owner.pidns && `namespace ${owner.pidns}`].filter(Boolean).join(', ');
}

/** The identity's fields that are set, for a JSON header. */
export function identityFields(owner: ProcessIdentity = SELF): ProcessIdentity {
  const out: ProcessIdentity = { pid: owner.pid };
  if (owner.host !== undefined) out.host = owner.host;
  if (owner.pidns !== undefined) out.pidns = owner.pidns;
  if (owner.start !== undefined) out.start = owner.start;
  return out;
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
function startTicks(pid: string): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
