import { BatchDeleteImageCommand, ListImagesCommand } from "@aws-sdk/client-ecr";
import { readStackFile } from "../offline/stack-files";
import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { OpsError } from "../cli/errors";
import { describeChanges } from "./report";
import { OperationContext, Stacks } from "./automation";
import { SendsCommands } from "../cli/sdk-client";

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

export interface DestroyBaseOptions {
    /** Remove the protection of every resource first, in one state write (prod). */
    readonly unprotect: boolean;
    /** Delete the images in base's repositories; without it a repository holding images stops the destroy. */
    readonly forceDeleteImages: boolean;
}

/**
 * Destroys base in an order that never leaves it half done: every check first (runtime gone, images
 * dealt with, a preview of the destroy of everything unprotected), then protection is removed in one
 * state write (`pulumi state unprotect --all`), then the destroy.
 */
export async function destroyBase(ops: Stacks, env: EnvironmentName, options: DestroyBaseOptions, ecr: SendsCommands, context: OperationContext, log: (line: string) => void): Promise<void> {
    const base = stackNameOf("base", env);
    const runtime = stackNameOf("runtime", env);
    const listing = await ops.list();
    const runtimeResources = listing.get(runtime)?.resourceCount ?? 0;
    if (runtimeResources > 0) {
        throw new OpsError(`${runtime} still has ${runtimeResources} resources that use ${base}; run "npm run down -- --env ${env}" first`);
    }
    if (!listing.has(base)) throw new OpsError(`no stack ${base} in this backend; nothing to destroy`);

    log(`preview destroy ${base} (protected resources aside): ${describeChanges(await ops.previewDestroy(base, context, { excludeProtected: true }))}`);

    const repositories = Object.values(await ops.baseRepositoryNames(env, readStackFile(base).project));
    const held = await Promise.all(repositories.map(async (repository) => ({ repository, images: await imagesOf(ecr, repository) })));
    const nonEmpty = held.filter((entry) => entry.images.length > 0);
    if (nonEmpty.length > 0 && !options.forceDeleteImages) {
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

    if (options.unprotect) {
        await ops.unprotectAll(base);
        log(`removed the protection of every resource of ${base}`);
    }
    try {
        log(`destroy ${base}: ${describeChanges(await ops.destroy(base, context))}`);
    } catch (error) {
        const again = options.unprotect ? `; ${base} is unprotected now: "pulumi up -s ${base}" puts the protection back` : "";
        throw new OpsError(`${(error as Error).message}${again}`, (error as OpsError).exitCode ?? 1);
    }
}
