import {
    CommandError,
    ConcurrentUpdateError,
    LocalWorkspace,
    PulumiCommand,
    Stack,
    StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { EnvironmentName } from "../shared/environments";
import { repositoryName } from "../shared/naming";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { environmentSecretsProvider } from "../shared/secrets-provider";
import { parseStackName, stackNameOf } from "../shared/stack-name";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { PROJECT_DIR } from "../offline/stack-files";
import { LockStore, lockStoreFor, StackLock } from "./locks";
import { cliOutput, whyItFailed } from "./cli-output";

/** How an operation reports progress and can be stopped. */
export interface OperationContext {
    readonly onOutput: (text: string) => void;
    /** Aborted once a cancel was requested: nothing new starts after it. */
    readonly signal: AbortSignal;
    /**
     * Aborted when the running `pulumi` must be told to stop (the Automation API then sends it one
     * SIGINT). Ctrl-C in a terminal already reaches the child, so it aborts `signal` only; SIGTERM
     * and the --timeout deadline abort both. Defaults to `signal`.
     */
    readonly interrupt?: AbortSignal;
}

/** A context that logs Pulumi's output a line at a time (the Automation API hands each with its newline). */
export function loggedContext(
    log: (line: string) => void,
    cancel: { readonly signal: AbortSignal; readonly interrupt?: AbortSignal },
): OperationContext {
    return { onOutput: (text) => log(text.replace(/\n$/, "")), signal: cancel.signal, interrupt: cancel.interrupt };
}

/** Ask the CLI to stop what it runs only through `interrupt`, and start nothing once cancelled. */
function operationSignal(name: string, operation: string, context: OperationContext): AbortSignal {
    if (context.signal.aborted) throw cancelledError(operation, name);
    return context.interrupt ?? context.signal;
}

function cancelledError(operation: string, stack: string): OpsError {
    return new OpsError(
        `${operation} ${stack} was cancelled; Pulumi was asked to stop cleanly and release the lock`,
        CANCELLED_EXIT_CODE,
    );
}

/** The stack is locked by another update (the CLI's ConcurrentUpdateError). */
export class StackLockedError extends OpsError {
    constructor(
        readonly stack: string,
        message: string,
    ) {
        super(message);
    }
}

export interface StackListing {
    readonly name: string;
    readonly resourceCount?: number;
    /** True while an update holds the stack's lock. */
    readonly updateInProgress: boolean;
    readonly lastUpdate?: string;
}

export interface LastUpdate {
    readonly kind: string;
    readonly result: string;
    readonly startTime: Date;
    readonly endTime?: Date;
    readonly resourceChanges: Record<string, number>;
}

/** An operation a killed run left unfinished in the state. */
export interface PendingOperation {
    /** creating, updating, deleting or reading. */
    readonly operation: string;
    /** The resource's type token, e.g. aws:ec2/natGateway:NatGateway. */
    readonly type: string;
    /** The resource's logical name (the URN's last part). */
    readonly name: string;
    /** The cloud id, when the provider returned one before the run was killed. */
    readonly id?: string;
    /** The Name tag the program gave it, to find it in AWS. */
    readonly nameTag?: string;
}

/** Counts of resources created, updated, deleted..., as Pulumi reports them. */
export type ResourceChanges = Record<string, number>;

/**
 * The Automation API over this repository. Every call goes through one `PulumiCommand`, which the
 * tests replace with a recorder (no CLI exists there). Errors come back as OpsError that say what to run.
 */
export class Stacks {
    private constructor(
        private readonly workspace: LocalWorkspace,
        /** Where the CLI is logged in, e.g. s3://bucket?region=us-west-2&awssdk=v2. */
        readonly backendUrl: string,
        private readonly lockStore: LockStore | undefined,
        private readonly project: string,
        /** What new stacks are created with; an awskms:// URL gets the stack's environment as encryption context. */
        private readonly secretsProvider: string | undefined,
    ) {}

    /**
     * A workspace over this repository. New stacks get the secrets provider in PULUMI_SECRETS_PROVIDER
     * (e.g. awskms://alias/pulumi-durable-code), not the passphrase default. Refuses a CLI logged in
     * to anything but a self-managed backend: these commands, locks and state live there.
     */
    static async open(
        pulumiCommand?: PulumiCommand,
        envVars: Record<string, string> = {},
        secretsProvider = process.env.PULUMI_SECRETS_PROVIDER || undefined,
        lockStore?: LockStore,
    ): Promise<Stacks> {
        const command = pulumiCommand ?? (await PulumiCommand.get().catch(() => Promise.reject(missingCli())));
        const workspace = await LocalWorkspace.create({ workDir: PROJECT_DIR, pulumiCommand: command, envVars });
        const who = await workspace.whoAmI().catch((error) => Promise.reject(notLoggedIn(error)));
        requireSelfManagedBackend(who.url);
        const project = (await workspace.projectSettings()).name;
        return new Stacks(workspace, who.url!, lockStore ?? lockStoreFor(who.url!, project), project, secretsProvider);
    }

    /** The lock objects the backend holds for a stack, oldest first. */
    async locks(name: string): Promise<StackLock[]> {
        const locks = (await this.lockStore?.locks(name)) ?? [];
        return locks.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    }

    async list(): Promise<Map<string, StackListing>> {
        const stacks = await this.workspace
            .listStacks()
            .catch((error) => Promise.reject(explain("list stacks", "", error)));
        return new Map(
            stacks.map((stack) => [stack.name, { ...stack, updateInProgress: stack.updateInProgress === true }]),
        );
    }

    /** `configFile`: another config file for this run only (see stacks/on-demand.ts). */
    async up(name: string, context: OperationContext, configFile?: string): Promise<ResourceChanges> {
        const signal = operationSignal(name, "up", context);
        const stack = await this.stack(name, true);
        const result = await stack
            .up({ onOutput: context.onOutput, signal, color: "never", ...(configFile ? { configFile } : {}) })
            .catch((error) => Promise.reject(explain("up", name, error, context.signal)));
        return result.summary.resourceChanges ?? {};
    }

    /** `configFile`: the stack's config from elsewhere than the project directory (a review's, review/config-file.ts). */
    async destroy(name: string, context: OperationContext, configFile?: string): Promise<ResourceChanges> {
        const signal = operationSignal(name, "destroy", context);
        const stack = await this.stack(name);
        const result = await stack
            .destroy({ onOutput: context.onOutput, signal, color: "never", ...(configFile ? { configFile } : {}) })
            .catch((error) => Promise.reject(explain("destroy", name, error, context.signal)));
        return result.summary.resourceChanges ?? {};
    }

    /**
     * Brings the state in line with the cloud. After a killed run, `clearPendingCreates` drops its
     * pending creates from the state (`--clear-pending-creates`), which a non-interactive refresh
     * otherwise keeps.
     */
    async refresh(
        name: string,
        context: OperationContext,
        options: { clearPendingCreates?: boolean } = {},
    ): Promise<ResourceChanges> {
        const signal = operationSignal(name, "refresh", context);
        const stack = await this.stack(name);
        const result = await stack
            .refresh({ onOutput: context.onOutput, signal, color: "never", ...options })
            .catch((error) => Promise.reject(explain("refresh", name, error, context.signal)));
        return result.summary.resourceChanges ?? {};
    }

    /** A preview; with expectNoChanges it fails when the stack would change. */
    async preview(name: string, context: OperationContext, expectNoChanges = false): Promise<ResourceChanges> {
        const signal = operationSignal(name, "preview", context);
        const stack = await this.stack(name);
        const result = await stack
            .preview({ onOutput: context.onOutput, signal, expectNoChanges, color: "never" })
            .catch((error) =>
                Promise.reject(
                    explain(
                        expectNoChanges ? "preview (expecting no changes)" : "preview",
                        name,
                        error,
                        context.signal,
                    ),
                ),
            );
        return result.changeSummary as ResourceChanges;
    }

    /** What a destroy would delete, without deleting anything. */
    async previewDestroy(
        name: string,
        context: OperationContext,
        options: { excludeProtected?: boolean } = {},
    ): Promise<ResourceChanges> {
        const signal = operationSignal(name, "preview the destroy of", context);
        const stack = await this.stack(name);
        const result = await stack
            .previewDestroy({ onOutput: context.onOutput, signal, color: "never", ...options })
            .catch((error) => Promise.reject(explain("preview the destroy of", name, error, context.signal)));
        return result.changeSummary as ResourceChanges;
    }

    /** Clears the lock a killed run left behind (`pulumi cancel`). Only safe when no other run is active. */
    async cancel(name: string): Promise<void> {
        const stack = await this.stack(name);
        await stack.cancel().catch((error) => Promise.reject(explain("cancel", name, error)));
    }

    async outputs(name: string): Promise<Record<string, unknown>> {
        const stack = await this.stack(name);
        const outputs = await stack.outputs().catch((error) => Promise.reject(explain("read outputs of", name, error)));
        return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
    }

    /** The repository names base-<env> publishes; the naming convention where its outputs lack them. */
    async baseRepositoryNames(env: EnvironmentName, project: string): Promise<Record<ServiceName, string>> {
        const outputs = await this.outputs(stackNameOf("base", env)).catch(() => ({}) as Record<string, unknown>);
        const published = outputs.repositories as Partial<Record<ServiceName, { name?: string }>> | undefined;
        return Object.fromEntries(
            SERVICE_NAMES.map((service) => [
                service,
                published?.[service]?.name ?? repositoryName({ project, env }, service),
            ]),
        ) as Record<ServiceName, string>;
    }

    async lastUpdate(name: string): Promise<LastUpdate | undefined> {
        const stack = await this.stack(name);
        const [last] = await stack
            .history(1, 1)
            .catch((error) => Promise.reject(explain("read history of", name, error)));
        return (
            last && {
                kind: last.kind,
                result: last.result,
                startTime: last.startTime,
                endTime: last.endTime,
                resourceChanges: last.resourceChanges ?? {},
            }
        );
    }

    /**
     * Removes protection from every resource of a stack in one state write, under the stack's lock
     * (`pulumi state unprotect --all --yes`): no plaintext export, no window for an update between
     * an export and an import.
     */
    async unprotectAll(name: string): Promise<void> {
        await this.stack(name);
        await this.cli(["state", "unprotect", "--all", "--yes", "--stack", name]).catch((error: unknown) =>
            Promise.reject(explain("unprotect the resources of", name, error)),
        );
    }

    /**
     * The operations a killed run left in the state: `deployment.pending_operations` of `pulumi stack
     * export`, each `{ resource, type }` with type creating, updating, deleting or reading (pulumi
     * sdk/go/common/apitype/core.go, DeploymentV3 and OperationV2). Exported without
     * `--show-secrets` (the Automation API's exportStack adds it), so no secret is decrypted.
     */
    async pendingOperations(name: string): Promise<PendingOperation[]> {
        await this.stack(name);
        const exported = await this.cli(["stack", "export", "--stack", name]).catch((error: unknown) =>
            Promise.reject(explain("export the state of", name, error)),
        );
        const operations: Array<{
            type: string;
            resource: { urn: string; type: string; id?: string; inputs?: { tags?: { Name?: string } } };
        }> = JSON.parse(exported.stdout).deployment?.pending_operations ?? [];
        return operations.map(({ type, resource }) => ({
            operation: type,
            type: resource.type,
            name: resource.urn.split("::").pop()!,
            ...(resource.id ? { id: resource.id } : {}),
            ...(resource.inputs?.tags?.Name ? { nameTag: resource.inputs.tags.Name } : {}),
        }));
    }

    /**
     * Removes an empty stack from the backend with its backups (`pulumi stack rm --remove-backups`,
     * Pulumi 3.188.0 and later, the fix of pulumi/pulumi#9474): without it a self-managed backend keeps
     * the stack file as `.bak` and every backup. The Automation API's removeStack in the @pulumi/pulumi
     * this project pins has no removeBackups option (pulumi/pulumi#20214, which adds it, is not merged),
     * so the flag goes to the CLI as `state unprotect` does. The history goes with the stack in any case
     * (pkg/backend/diy/state.go, removeStack). Never `--force`: a stack with resources is refused.
     */
    async removeWithBackups(name: string): Promise<void> {
        await this.stack(name);
        await this.cli(["stack", "rm", "--yes", "--remove-backups", "--stack", name]).catch((error: unknown) =>
            Promise.reject(explain("remove", name, error)),
        );
    }

    // The Automation API has no method for `state unprotect` or a plain `stack export`; every command
    // it runs goes through PulumiCommand.run, which its typings keep private.
    private cli(args: string[]): Promise<{ stdout: string }> {
        const command = this.workspace.pulumiCommand as unknown as {
            run(args: string[], cwd: string, env: Record<string, string>): Promise<{ stdout: string }>;
        };
        return command.run(args, this.workspace.workDir, this.workspace.envVars);
    }

    private async stack(name: string, create = false): Promise<Stack> {
        const open = create
            ? Stack.createOrSelect(name, await this.creatingWorkspace(name))
            : Stack.select(name, this.workspace);
        return open.catch((error) => Promise.reject(explain("select", name, error)));
    }

    /** A workspace that creates `name` with its own environment's secrets provider (the CLI's stack init --secrets-provider). */
    private async creatingWorkspace(name: string): Promise<LocalWorkspace> {
        if (!this.secretsProvider) return this.workspace;
        const secretsProvider = environmentSecretsProvider(this.secretsProvider, {
            project: this.project,
            env: parseStackName(name).env,
        });
        return LocalWorkspace.create({
            workDir: this.workspace.workDir,
            pulumiCommand: this.workspace.pulumiCommand,
            envVars: this.workspace.envVars,
            secretsProvider,
        });
    }
}

/** Backends the CLI manages itself, by URL scheme (Pulumi docs, "State and backends"). */
const SELF_MANAGED_SCHEMES = ["s3:", "file:", "gs:", "azblob:"];

/** How to log in to this project's backend, as docs/deploying.md and `npm run bootstrap` give it. */
const LOGIN = `pulumi login 's3://<state bucket>?region=<region>&awssdk=v2' (the line "npm run bootstrap" prints), or set PULUMI_BACKEND_URL`;

export function requireSelfManagedBackend(url: string | undefined): void {
    if (url && SELF_MANAGED_SCHEMES.some((scheme) => url.startsWith(scheme))) return;
    throw new OpsError(
        `the pulumi CLI is logged in to ${url ?? "an unknown backend"}, not this project's self-managed state backend; ` +
            `log in to it first: ${LOGIN}`,
    );
}

/**
 * `pulumi whoami` failed. Without a login the CLI falls back to Pulumi Cloud, which in a
 * non-interactive session (the Automation API's pipes) needs PULUMI_ACCESS_TOKEN and says so
 * (pulumi/pulumi pkg/backend/backenderr MissingEnvVarForNonInteractiveError, returned by
 * pkg/backend/httpstate's login): these commands want the self-managed backend instead. Any other
 * failure is named by the CLI's own last line.
 */
function notLoggedIn(error: unknown): OpsError {
    const output = cliOutput(error);
    const said = output ? whyItFailed(output, 1) : error instanceof Error ? error.message : String(error);
    const known = said.includes("must be set for login during non-interactive CLI sessions");
    return new OpsError(
        `not logged in to the state backend: run ${LOGIN}${known ? "" : `\npulumi whoami said: ${said}`}`,
    );
}

function missingCli(): OpsError {
    return new OpsError(
        'the pulumi CLI was not found; install it (https://www.pulumi.com/docs/install/) and run "pulumi login" with the state backend URL',
    );
}

/** Turns an Automation API failure into a sentence about the stack and the next command to run. */
export function explain(operation: string, stack: string, error: unknown, signal?: AbortSignal): OpsError {
    if (signal?.aborted) return cancelledError(operation, stack);
    if (error instanceof ConcurrentUpdateError) {
        return new StackLockedError(
            stack,
            `${stack} is locked by another update. Wait for it to finish; if no other run is active (a killed job leaves its lock), ` +
                `run "pulumi cancel -s ${stack} --yes" and try again`,
        );
    }
    if (error instanceof StackNotFoundError) {
        return new OpsError(
            `no stack ${stack} in this backend; check "pulumi login", or create it with "pulumi stack init ${stack}"`,
        );
    }
    const output = cliOutput(error);
    if (error instanceof CommandError && output) {
        return new OpsError(`${operation} ${stack} failed:\n${whyItFailed(output)}`);
    }
    return new OpsError(`${operation} ${stack} failed: ${error instanceof Error ? error.message : String(error)}`);
}
