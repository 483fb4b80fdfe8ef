import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { describeLock, isStale, StackLock } from "./locks";
import { staleLockMinutes } from "./job-timeout";
import { describeChanges } from "./report";
import { OperationContext, PendingOperation, StackLockedError, Stacks } from "./automation";

export interface LockOptions {
    /** On a lock older than `staleLockMinutes`, clear it, refresh, and try once more (unattended runs). */
    readonly retryAfterCancel: boolean;
    /** A lock younger than this may belong to a live run and is never cleared; default: the longest deploy job's timeout. */
    readonly staleLockMinutes?: number;
    /** How long to wait for a fresh lock to be released (or to turn stale) before giving up; default 0. */
    readonly waitForLockMinutes?: number;
    /** How often to look at the lock objects while waiting; default 15 s. */
    readonly lockPollMs?: number;
    /** Time and timers for the wait; the system's by default (tests pass one of their own). */
    readonly clock?: Clock;
}

export interface Clock {
    now(): number;
    /** Calls `done` after `ms`; returns what stops it first. */
    setTimer(ms: number, done: () => void): () => void;
}

const SYSTEM_CLOCK: Clock = {
    now: () => Date.now(),
    setTimer: (ms, done) => {
        const timer = setTimeout(done, ms);
        return () => clearTimeout(timer);
    },
};

const holdersOf = (locks: readonly StackLock[]) =>
    locks.map((lock) => describeLock(lock)).join("; ") || "no lock object found";
const keys = (locks: readonly StackLock[]) =>
    locks
        .map((lock) => lock.key)
        .sort()
        .join("\n");

/**
 * Waits, before an operation reads or changes a stack, until no live run holds its lock: until every
 * lock object is gone, or older than a job can run (then the operation's stale-lock retry clears
 * it), or `waitForLockMinutes` have passed (then the operation fails naming the holder). This is how
 * runs of one environment queue: GitHub's concurrency groups keep one pending run and cancel it for
 * a newer one, so the workflows do not use them.
 */
export async function waitForLock(
    stacks: Stacks,
    stack: string,
    context: OperationContext,
    options: LockOptions,
    log: (line: string) => void,
): Promise<void> {
    const maxMinutes = options.staleLockMinutes ?? staleLockMinutes();
    const clock = options.clock ?? SYSTEM_CLOCK;
    const deadline = clock.now() + (options.waitForLockMinutes ?? 0) * 60_000;
    let said = "";
    for (;;) {
        if (context.signal.aborted)
            throw new OpsError(
                `waiting for the lock of ${stack} was cancelled; nothing was changed`,
                CANCELLED_EXIT_CODE,
            );
        const locks = await stacks.locks(stack);
        if (locks.every((lock) => isStale(lock, maxMinutes)) || clock.now() >= deadline) return;
        if (keys(locks) !== said) {
            log(
                `${stack} is locked by ${holdersOf(locks)}; waiting until it is released (or older than ${maxMinutes} min), up to ${new Date(deadline).toISOString()}`,
            );
            said = keys(locks);
        }
        await pause(clock, Math.min(options.lockPollMs ?? 15_000, Math.max(deadline - clock.now(), 0)), context.signal);
    }
}

/** A pause a cancel ends at once: no lock is held while waiting, so there is nothing to release. */
function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
        const done = () => {
            stopTimer();
            signal.removeEventListener("abort", done);
            resolve();
        };
        const stopTimer = clock.setTimer(ms, done);
        signal.addEventListener("abort", done);
    });
}

/**
 * Runs an operation on a stack; when it finds the stack locked and `retryAfterCancel` is set, clears
 * the lock only if every lock object is older than a job can run (a younger one may be a laptop's
 * live `pulumi up`), reading them again just before `pulumi cancel` (which deletes every lock
 * object of the stack, a live one included: pulumi pkg/backend/diy/backend.go, CancelCurrentUpdate); lists the killed run's pending operations, drops its pending creates
 * with a refresh, names the AWS objects to check by hand, and tries once more.
 */
export async function withStaleLockRetry<T>(
    stacks: Stacks,
    stack: string,
    context: OperationContext,
    options: LockOptions,
    log: (line: string) => void,
    operation: () => Promise<T>,
): Promise<T> {
    try {
        return await operation();
    } catch (error) {
        if (!(error instanceof StackLockedError)) throw error;
        const locks = await stacks.locks(stack);
        const maxMinutes = options.staleLockMinutes ?? staleLockMinutes();
        if (!options.retryAfterCancel)
            throw new StackLockedError(stack, `${stack} is locked by ${holdersOf(locks)}. ${error.message}`);
        const fresh = locks.filter((lock) => !isStale(lock, maxMinutes));
        if (fresh.length > 0) {
            throw new StackLockedError(
                stack,
                `${stack} is locked by ${holdersOf(locks)}; a lock younger than ${maxMinutes} min may belong to a live run, so it is not cleared. Wait for that run to end, then try again`,
            );
        }
        log(
            `${stack} is locked by ${holdersOf(locks)}, older than ${maxMinutes} min: a killed run left it. Clearing it (pulumi cancel), refreshing, and trying once more`,
        );
        const now = await stacks.locks(stack);
        if (keys(now) !== keys(locks)) {
            throw new StackLockedError(
                stack,
                `${stack} was locked again since its stale lock was read (now: ${holdersOf(now)}); nothing was cleared. Wait for that run to end, then try again`,
            );
        }
        await stacks.cancel(stack);
        const pending = await stacks.pendingOperations(stack);
        if (pending.length > 0)
            log(
                `${stack}: the killed run left ${pending.length} pending operations:\n${pending.map((op) => `  ${describePending(op)}`).join("\n")}`,
            );
        log(
            `refresh ${stack}: ${describeChanges(await stacks.refresh(stack, context, { clearPendingCreates: true }))}`,
        );
        const creates = pending.filter((op) => op.operation === "creating");
        if (creates.length > 0) {
            log(
                `${stack}: the refresh dropped ${creates.length} pending creates from the state; AWS may hold them half created, ` +
                    `untracked (no destroy deletes them, and they cost until deleted). Check by hand and delete what exists:\n` +
                    creates
                        .map(
                            (op) =>
                                `  ${op.type} ${op.nameTag ? `tagged Name=${op.nameTag}` : `named like ${op.name}`}${op.id ? ` (id ${op.id})` : ""}`,
                        )
                        .join("\n"),
            );
        }
        return operation();
    }
}

export function describePending(op: PendingOperation): string {
    return `${op.operation} ${op.type} ${op.name}${op.id ? ` (id ${op.id})` : ""}${op.nameTag ? ` (Name=${op.nameTag})` : ""}`;
}
