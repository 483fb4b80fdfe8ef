import { randomUUID } from "node:crypto";
import {
    appendFileSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    renameSync,
    rmSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { keepForCleanup } from "./backend-dirs";
import { backupsFolder, historyFolder, locksFolder, stackFile } from "../../shared/backend-layout";

// Internals of the Automation API the real PulumiCommand uses to report results; not in its typings.
// semver comes with @pulumi/pulumi, which reads the CLI version through it.
/* eslint-disable @typescript-eslint/no-require-imports */
const { CommandResult } = require("@pulumi/pulumi/automation/cmd");
const { createCommandError } = require("@pulumi/pulumi/automation/errors");
const { SemVer } = require("semver");
/* eslint-enable @typescript-eslint/no-require-imports */
type CommandResult = { stdout: string; stderr: string; code: number };

/** What the CLI says, without a login and without a terminal, to any command that needs a backend. */
const NOT_LOGGED_IN = "PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions";

interface FakeStack {
    outputs: Record<string, unknown>;
    resourceCount: number;
    history: Array<Record<string, unknown>>;
}

export interface LockHolder {
    readonly minutesAgo?: number;
    readonly username?: string;
    readonly hostname?: string;
    readonly pid?: number;
}

/** A scripted failure: the next `times` commands whose argv starts with `prefix` on `stack` fail. */
interface Failure {
    readonly command: string;
    readonly stack: string;
    readonly stderr: string;
    times: number;
}

/**
 * Stands in for the pulumi CLI behind the Automation API. It records every argv, keeps a little
 * state per stack (outputs, resource count, history), and answers as the CLI does, including its
 * error texts for a missing stack and a held lock. Its backend is a real `file://` directory: locks
 * are lock files where the DIY backend keeps them, `stack ls` does not report them (the DIY backend
 * does not). As pulumi/pulumi pkg/backend/diy does: `up`, `destroy` and `refresh` refuse a stack
 * that has a lock file and otherwise hold one of their own until they return, cancelled or not
 * (backend.go, Update/Destroy/Refresh: Lock, then `defer Unlock`; lock.go, checkForLock, whose
 * error text this repeats), and `pulumi cancel` deletes every one of a stack's lock files, live or
 * not (backend.go, CancelCurrentUpdate).
 */
export class FakePulumi {
    readonly backendDir = keepForCleanup(mkdtempSync(join(tmpdir(), "fake-pulumi-backend-")));
    readonly command = "pulumi";
    // 3.205 makes the Automation API read engine events from a file, which this fake writes.
    readonly version = new SemVer("3.205.0");
    readonly calls: string[][] = [];
    readonly stacks = new Map<string, FakeStack>();
    /** Outputs a stack gets when it is deployed. */
    readonly deployedOutputs = new Map<string, Record<string, unknown>>();
    /** Changes a preview of the stack proposes (none by default). */
    readonly pendingChanges = new Map<string, Record<string, number>>();
    private readonly failures: Failure[] = [];
    /** Called with every argv after it ran, to change the world between commands. */
    afterCommand?: (args: readonly string[]) => void;
    /** What `stack export` lists as `deployment.pending_operations` (pulumi apitype OperationV2), per stack. */
    readonly pendingOperations = new Map<string, Array<{ type: string; resource: Record<string, unknown> }>>();
    /** Commands that wait until the operation's signal aborts, as a long `pulumi up` would. */
    readonly hangs = new Set<string>();
    /** Where `pulumi whoami --json` says the CLI is logged in; undefined: not logged in anywhere. */
    backendUrl: string | undefined = `file://${this.backendDir}`;

    private lockDir(name: string): string {
        return join(this.backendDir, locksFolder("durable-code", name));
    }

    /**
     * The stack's objects where the DIY backend keeps them (shared/backend-layout.ts): the stack file,
     * written by `stack init` and by every update; a backup per update; history per operation.
     */
    private stackObjects(name: string) {
        return {
            file: join(this.backendDir, stackFile("durable-code", name)),
            backups: join(this.backendDir, backupsFolder("durable-code", name)),
            history: join(this.backendDir, historyFolder("durable-code", name)),
        };
    }

    private writeStackObjects(name: string, operation?: string): void {
        const { file, backups, history } = this.stackObjects(name);
        mkdirSync(join(file, ".."), { recursive: true });
        writeFileSync(file, JSON.stringify({ version: 3, checkpoint: { stack: name } }));
        if (operation === undefined) return;
        for (const folder of [backups, history]) {
            mkdirSync(folder, { recursive: true });
            writeFileSync(join(folder, `${name}.${readdirSync(folder).length + 1}.${operation}.json`), "{}");
        }
    }

    /** Every object the backend holds of a stack, from the backend's root: what `stack rm` leaves behind. */
    objectsOf(name: string): string[] {
        const { file, backups, history } = this.stackObjects(name);
        const relative = (path: string) => path.slice(this.backendDir.length + 1);
        const listed = (folder: string) =>
            existsSync(folder) ? readdirSync(folder).map((entry) => relative(join(folder, entry))) : [];
        return [
            ...[file, `${file}.bak`].filter((path) => existsSync(path)).map(relative),
            ...listed(backups),
            ...listed(history),
        ];
    }

    lockFiles(name: string): string[] {
        try {
            return readdirSync(this.lockDir(name));
        } catch {
            return [];
        }
    }

    asCommand(): PulumiCommand {
        return this as unknown as PulumiCommand;
    }

    addStack(
        name: string,
        outputs: Record<string, unknown> = {},
        resourceCount = Object.keys(outputs).length > 0 ? 20 : 0,
    ): this {
        this.stacks.set(name, { outputs, resourceCount, history: [] });
        this.writeStackObjects(name);
        return this;
    }

    /** Writes a lock file as the DIY backend does for a running update (pkg/backend/diy/lock.go). */
    lock(name: string, holder: LockHolder = {}): this {
        mkdirSync(this.lockDir(name), { recursive: true });
        const timestamp = new Date(Date.now() - (holder.minutesAgo ?? 5) * 60_000).toISOString();
        const content = {
            pid: holder.pid ?? 4242,
            username: holder.username ?? "runner",
            hostname: holder.hostname ?? "fv-az123",
            timestamp,
        };
        writeFileSync(join(this.lockDir(name), `${randomUUID()}.json`), JSON.stringify(content));
        return this;
    }

    failNext(command: string, stack: string, stderr: string, times = 1): this {
        this.failures.push({ command, stack, stderr, times });
        return this;
    }

    /** The argv of every call for one stack, without the flags the Automation API adds for itself. */
    commandsFor(stack?: string): string[] {
        return this.calls
            .filter((args) => stack === undefined || stackOf(args) === stack)
            .map((args) => args.filter((_, index) => !isPlumbing(args, index)).join(" "));
    }

    async run(
        args: string[],
        _cwd: string,
        _env: Record<string, string>,
        onOutput?: (data: string) => void,
        _onError?: unknown,
        signal?: AbortSignal,
    ): Promise<CommandResult> {
        try {
            return await this.answer(args, onOutput, signal);
        } finally {
            this.afterCommand?.(args);
        }
    }

    private async answer(
        args: string[],
        onOutput?: (data: string) => void,
        signal?: AbortSignal,
    ): Promise<CommandResult> {
        this.calls.push([...args]);
        const name = stackOf(args);
        const stack = name ? this.stacks.get(name) : undefined;
        const verb =
            args[0] === "stack" || args[0] === "state"
                ? `${args[0]} ${args[1]}`
                : args.includes("--preview-only")
                  ? "preview"
                  : args[0];
        // The real command throws on a non-zero exit, with the error class the stderr implies.
        const fail = (stderr: string): never => {
            throw createCommandError(new CommandResult("", stderr, 255));
        };

        const scripted = this.failures.find(
            (failure) => failure.times > 0 && failure.command === verb && failure.stack === name,
        );
        if (scripted) {
            scripted.times -= 1;
            return fail(scripted.stderr);
        }
        if (verb === "stack ls") {
            // The DIY backend reports no updateInProgress (field notes; pulumi pkg/backend/diy).
            const listing = [...this.stacks].map(([stackName, s]) => ({
                name: stackName,
                current: false,
                resourceCount: s.resourceCount,
                lastUpdate: s.history[0]?.endTime,
            }));
            return ok(JSON.stringify(listing));
        }
        if (verb === "whoami") {
            if (this.backendUrl === undefined) {
                // With no login the CLI tries Pulumi Cloud, which needs a token when no terminal is attached
                // (pulumi/pulumi pkg/backend/httpstate/backend.go, MissingEnvVarForNonInteractiveError), exit 3
                // (sdk/go/common/util/cmdutil/exit.go, ExitAuthenticationError).
                throw createCommandError(new CommandResult("", `error: ${NOT_LOGGED_IN}\n`, 3));
            }
            return ok(JSON.stringify({ user: "ci", organizations: [], url: this.backendUrl }));
        }
        if (verb === "stack init") {
            this.addStack(args[2]);
            return ok("");
        }
        if (!stack) return fail(`error: no stack named '${name}' found`);
        const mutating = verb === "up" || verb === "destroy" || verb === "refresh" || verb === "state unprotect";
        if (!mutating) return this.operate(verb, args, name!, stack, onOutput, signal);
        const held = this.lockFiles(name!);
        if (held.length > 0) {
            return fail(
                `error: the stack is currently locked by ${held.length} lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.` +
                    held
                        .map(
                            (file) =>
                                `\n  ${this.backendUrl}/.pulumi/locks/organization/durable-code/${name}/${file}: created by ${this.holder(name!, file)}`,
                        )
                        .join(""),
            );
        }
        const own = this.lock(name!, {
            minutesAgo: 0,
            username: "ci",
            hostname: "this-runner",
            pid: process.pid,
        }).lockFiles(name!)[0];
        try {
            return await this.operate(verb, args, name!, stack, onOutput, signal);
        } finally {
            rmSync(join(this.lockDir(name!), own), { force: true });
        }
    }

    private holder(name: string, file: string): string {
        const content = JSON.parse(readFileSync(join(this.lockDir(name), file), "utf8"));
        return `${content.username}@${content.hostname} (pid ${content.pid}) at ${content.timestamp}`;
    }

    private async operate(
        verb: string,
        args: string[],
        name: string,
        stack: FakeStack,
        onOutput?: (data: string) => void,
        signal?: AbortSignal,
    ): Promise<CommandResult> {
        const fail = (stderr: string): never => {
            throw createCommandError(new CommandResult("", stderr, 255));
        };
        if (this.hangs.has(`${verb} ${name}`)) {
            onOutput?.(`${verb} ${name} running...\n`);
            await new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve()));
            this.calls.push(["SIGINT", verb, name]);
            return fail("error: update canceled");
        }

        switch (verb) {
            case "stack select":
                return ok("");
            case "up":
            case "destroy": {
                const deploying = verb === "up";
                const changes = deploying
                    ? { create: stack.resourceCount === 0 ? 20 : 0, same: stack.resourceCount }
                    : { delete: stack.resourceCount };
                onOutput?.(`${deploying ? "Updating" : "Destroying"} (${name}):\n`);
                stack.outputs = deploying ? (this.deployedOutputs.get(name!) ?? stack.outputs) : {};
                stack.resourceCount = deploying ? 20 : 0;
                this.writeStackObjects(name, verb);
                stack.history.unshift({
                    kind: verb === "up" ? "update" : "destroy",
                    result: "succeeded",
                    startTime: "2026-11-26T08:00:00Z",
                    endTime: "2026-11-26T08:03:00Z",
                    resourceChanges: changes,
                    version: stack.history.length + 1,
                });
                return ok(`${verb} done`);
            }
            case "preview": {
                const changes =
                    args[0] === "destroy" ? { delete: stack.resourceCount } : (this.pendingChanges.get(name!) ?? {});
                const eventLog = args[args.indexOf("--event-log") + 1];
                appendFileSync(
                    eventLog,
                    `${JSON.stringify({ sequence: 1, timestamp: 0, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { same: stack.resourceCount, ...changes }, policyPacks: {} } })}\n`,
                );
                onOutput?.(`Previewing update (${name}):\n`);
                if (args.includes("--expect-no-changes") && Object.values(changes).some((count) => count > 0)) {
                    return fail("error: no changes were expected but changes were proposed");
                }
                return ok("preview done");
            }
            case "stack output":
                return ok(JSON.stringify(stack.outputs));
            case "stack export":
                return ok(
                    JSON.stringify({
                        version: 3,
                        deployment: {
                            manifest: {},
                            resources: [],
                            pending_operations: this.pendingOperations.get(name!) ?? [],
                        },
                    }),
                );
            case "stack history":
                return ok(JSON.stringify(stack.history.slice(0, 1)));
            case "cancel":
                rmSync(this.lockDir(name!), { recursive: true, force: true });
                return ok("");
            case "refresh":
                // Pending creates stay in the state unless the refresh is told to clear them.
                if (args.includes("--clear-pending-creates"))
                    this.pendingOperations.set(
                        name!,
                        (this.pendingOperations.get(name!) ?? []).filter((op) => op.type !== "creating"),
                    );
                onOutput?.(`Refreshing (${name}):\n`);
                stack.history.unshift({
                    kind: "refresh",
                    result: "succeeded",
                    startTime: "2026-11-26T08:00:00Z",
                    endTime: "2026-11-26T08:01:00Z",
                    resourceChanges: { same: stack.resourceCount },
                    version: stack.history.length + 1,
                });
                return ok("refresh done");
            case "state unprotect":
                return ok("");
            case "stack rm": {
                // pulumi/pulumi pkg/backend/diy/backend.go RemoveStack (and its message: pkg/cmd/pulumi/stack/stack_remove.go) refuses a stack with resources unless
                // forced; state.go removeStack renames the stack file to .bak and keeps its backups, or with
                // --remove-backups deletes the file, its .bak and the backups; the history goes either way.
                if (stack.resourceCount > 0 && !args.includes("--force"))
                    return fail(
                        `error: '${name}' still has resources; removal rejected. Possible actions:\n- Make sure that '${name}' is the stack that you want to destroy\n- Run \`pulumi destroy\` to delete the resources, then run \`pulumi stack rm\`\n- Run \`pulumi stack rm --force\` to override this error`,
                    );
                const { file, backups, history } = this.stackObjects(name);
                if (args.includes("--remove-backups")) {
                    for (const path of [file, `${file}.bak`, backups]) rmSync(path, { recursive: true, force: true });
                } else {
                    renameSync(file, `${file}.bak`);
                }
                rmSync(history, { recursive: true, force: true });
                this.stacks.delete(name);
                return ok("");
            }
            default:
                return fail(`the fake pulumi does not know "${args.join(" ")}"`);
        }
    }
}

function ok(stdout: string): CommandResult {
    return new CommandResult(stdout, "", 0);
}

function stackOf(args: readonly string[]): string | undefined {
    const flag = args.indexOf("--stack");
    if (flag >= 0) return args[flag + 1];
    return args[0] === "stack" && args[1] === "init" ? args[2] : undefined;
}

/** Flags the Automation API adds to every operation (event log file, exec kind, ...). */
function isPlumbing(args: readonly string[], index: number): boolean {
    const arg = args[index];
    const previous = args[index - 1];
    return (
        ["--exec-kind", "--event-log", "--color"].includes(arg) ||
        ["--exec-kind", "--event-log", "--color"].includes(previous) ||
        arg === "--non-interactive"
    );
}
