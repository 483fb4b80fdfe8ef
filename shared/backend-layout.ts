/**
 * Where the self-managed backend keeps a project's objects, from the backend's root (pulumi/pulumi
 * pkg/backend/diy, project layout: store.go, state.go, lock.go, meta.go):
 * - the stack file `.pulumi/stacks/<project>/<stack>.json` (or `.json.gz`, `.json.zst`), its
 *   `.bak` copy and retained checkpoints `<file>.<time>` beside it;
 * - history under `.pulumi/history/<project>/<stack>/` and backups under `.pulumi/backups/<project>/<stack>/`;
 * - locks under `.pulumi/locks/<org>/<project>/<stack>/`, one `<uuid>.json` per lock, named by the
 *   fully qualified stack name, whose organization is always "organization" on this backend;
 * - one `.pulumi/meta.yaml` for the whole backend.
 * The state bucket's policy (base/github-access/state-access.ts), its lifecycle rules (bootstrap) and
 * the lock readers (stacks/locks.ts) all follow it.
 */
export const BACKEND_META = ".pulumi/meta.yaml";

/** Every stack's locks are below this folder. */
export const LOCKS_ROOT = ".pulumi/locks/";

/** The stack file's name without its compression suffix. */
export const stackFile = (project: string, stack: string) => `.pulumi/stacks/${project}/${stack}.json`;

export const historyFolder = (project: string, stack: string) => `.pulumi/history/${project}/${stack}/`;

export const backupsFolder = (project: string, stack: string) => `.pulumi/backups/${project}/${stack}/`;

export const locksFolder = (project: string, stack: string) => `${LOCKS_ROOT}organization/${project}/${stack}/`;
