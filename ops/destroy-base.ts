import { BatchDeleteImageCommand, ECRClient, ListImagesCommand } from "@aws-sdk/client-ecr";
import { readStackFile } from "../offline/stack-files";
import { stackNameOf } from "../shared/stack-name";
import { environmentFrom } from "./args";
import { Cancellation, cancellationOf, runMain } from "./cli";
import { CommandSpec, parseCommand } from "./command";
import { OpsError } from "./errors";
import { describeChanges } from "./report";
import { OperationContext, Stacks } from "./stacks";
import { SendsCommands } from "./sdk-client";

export const DESTROY_BASE_SPEC: CommandSpec = {
    usage: "npm run destroy-base -- --env <dev|staging|prod> --confirm base-<env> [--unprotect] [--force-delete-images]",
    summary:
        "Destroys an environment's base (network, repositories, logs, DNS). Refuses while runtime has resources, demands the stack name typed back, in prod also --unprotect, and never deletes images unless told to.",
    flags: {
        env: { type: "string", value: "dev|staging|prod", help: "the environment whose base to destroy (required)" },
        confirm: { type: "string", value: "base-<env>", help: "the stack name, typed back (required)" },
        unprotect: { type: "boolean", help: "remove the protection of prod's repositories, zone and bucket (prod only)", default: "off" },
        "force-delete-images": { type: "boolean", help: "delete the images in the repositories first; without it a repository holding images stops the destroy", default: "off" },
    },
    examples: ["npm run destroy-base -- --env dev --confirm base-dev", "npm run destroy-base -- --env prod --confirm base-prod --unprotect --force-delete-images"],
};

/** Image ids of a repository, all pages (ECR ListImages). */
async function imagesOf(ecr: SendsCommands, repository: string): Promise<Array<{ imageDigest?: string; imageTag?: string }>> {
    const images: Array<{ imageDigest?: string; imageTag?: string }> = [];
    let nextToken: string | undefined;
    do {
        const page = await ecr.send(new ListImagesCommand({ repositoryName: repository, nextToken })).catch((error: any) => {
            if (error?.name === "RepositoryNotFoundException") return { imageIds: [] };
            throw new OpsError(`cannot list the images of ${repository}: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
        });
        images.push(...(page.imageIds ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    return images;
}

/**
 * Destroys base in an order that never leaves it half done: every check first (runtime gone, images
 * dealt with, a preview of the destroy of everything unprotected), then protection is removed in one
 * state write (`pulumi state unprotect --all`), then the destroy.
 */
export async function main(
    argv: string[],
    cancel: AbortSignal | Cancellation,
    stacks?: Stacks,
    log: (line: string) => void = console.log,
    ecr: SendsCommands = new ECRClient({}),
): Promise<number> {
    const flags = parseCommand(argv, DESTROY_BASE_SPEC);
    const env = environmentFrom(flags.env, DESTROY_BASE_SPEC.usage);
    const base = stackNameOf("base", env);
    const runtime = stackNameOf("runtime", env);
    if (flags.confirm !== base) {
        throw new OpsError(`destroying ${base} deletes the network, repositories, log groups and DNS of ${env}; confirm with --confirm ${base}`, 2);
    }
    if (env === "prod" && !flags.unprotect) {
        throw new OpsError(`${base} protects its repositories, zone and log bucket; add --unprotect to remove the protection and destroy them`, 2);
    }
    const ops = stacks ?? (await Stacks.open());
    const listing = await ops.list();
    const runtimeResources = listing.get(runtime)?.resourceCount ?? 0;
    if (runtimeResources > 0) {
        throw new OpsError(`${runtime} still has ${runtimeResources} resources that use ${base}; run "npm run down -- --env ${env}" first`);
    }
    if (!listing.has(base)) throw new OpsError(`no stack ${base} in this backend; nothing to destroy`);
    const { signal, interrupt } = cancellationOf(cancel);
    const context: OperationContext = { onOutput: (text: string) => log(text.replace(/\n$/, "")), signal, interrupt };

    log(`preview destroy ${base} (protected resources aside): ${describeChanges(await ops.previewDestroy(base, context, { excludeProtected: true }))}`);

    const repositories = Object.values(await ops.baseRepositoryNames(env, readStackFile(base).project));
    const held = await Promise.all(repositories.map(async (repository) => ({ repository, images: await imagesOf(ecr, repository) })));
    const nonEmpty = held.filter((entry) => entry.images.length > 0);
    if (nonEmpty.length > 0 && !flags["force-delete-images"]) {
        throw new OpsError(
            `${nonEmpty.map((entry) => `${entry.repository} holds ${entry.images.length} images`).join(", ")}; a destroy never deletes images. ` +
                `Delete those you no longer need, or add --force-delete-images to delete them all. Nothing was changed`,
        );
    }
    for (const { repository, images } of nonEmpty) {
        for (let start = 0; start < images.length; start += 100) {
            await ecr.send(new BatchDeleteImageCommand({ repositoryName: repository, imageIds: images.slice(start, start + 100) }));
        }
        log(`deleted ${images.length} images of ${repository}`);
    }

    if (flags.unprotect) {
        await ops.unprotectAll(base);
        log(`removed the protection of every resource of ${base}`);
    }
    try {
        log(`destroy ${base}: ${describeChanges(await ops.destroy(base, context))}`);
    } catch (error) {
        const again = flags.unprotect ? `; ${base} is unprotected now: "pulumi up -s ${base}" puts the protection back` : "";
        throw new OpsError(`${(error as Error).message}${again}`, (error as OpsError).exitCode ?? 1);
    }
    return 0;
}

if (require.main === module) runMain(main, { spec: DESTROY_BASE_SPEC });
