import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../offline/stack-files";

export const WORKFLOW_DIR = path.join(PROJECT_DIR, ".github", "workflows");

/** A job without `timeout-minutes` may run 360 minutes (GitHub docs, "jobs.<job_id>.timeout-minutes"). */
const GITHUB_DEFAULT_TIMEOUT_MINUTES = 360;

/**
 * The `timeout-minutes` of every job that can take a stack's lock, by "<file> <job>": the jobs that
 * declare a GitHub Environment, the only ones that get a deploy role (the pull request preview
 * declares none, and a preview takes no lock). Read once per process and folder.
 */
export function deployJobTimeouts(dir = WORKFLOW_DIR): Record<string, number> {
    const known = timeoutsByFolder.get(dir);
    if (known) return { ...known };
    const timeouts: Record<string, number> = {};
    for (const file of readdirSync(dir).filter((name) => /\.ya?ml$/.test(name))) {
        const jobs = parse(readFileSync(path.join(dir, file), "utf8"))?.jobs ?? {};
        for (const [name, job] of Object.entries<{ environment?: unknown; "timeout-minutes"?: number }>(jobs)) {
            if (job.environment !== undefined)
                timeouts[`${file} ${name}`] = Number(job["timeout-minutes"] ?? GITHUB_DEFAULT_TIMEOUT_MINUTES);
        }
    }
    timeoutsByFolder.set(dir, timeouts);
    return { ...timeouts };
}
const timeoutsByFolder = new Map<string, Record<string, number>>();

/**
 * The age after which a lock counts as left by a killed run: the longest a deploy job may run, read
 * from the workflows themselves. GitHub kills a job at its timeout, so no live job holds an older
 * lock; a teardown killed at 60 minutes leaves a lock the catch-up an hour later can clear.
 */
export function staleLockMinutes(dir = WORKFLOW_DIR): number {
    return Math.max(...Object.values(deployJobTimeouts(dir)));
}
