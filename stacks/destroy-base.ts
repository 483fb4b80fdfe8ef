import { BatchDeleteImageCommand, ListImagesCommand } from "@aws-sdk/client-ecr";
import { readStackFile } from "../offline/stack-files";
import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { OpsError } from "../cli/errors";
import { describeChanges } from "./report";
import { OperationContext, Stacks } from "./automation";
import { SendsCommands } from "../cli/sdk-client";

/** Image ids of a repository, all pages (ECR ListImages). */
async function imagesOf(
    ecr: SendsCommands,
    repository: string,
): Promise<Array<{ imageDigest?: string; imageTag?: string }>> {
    const images: Array<{ imageDigest?: string; imageTag?: string }> = [];
    let nextToken: string | undefined;
    do {
        const page = await ecr
            .send(new ListImagesCommand({ repositoryName: repository, nextToken }))
            .catch((error: any) => {
                if (error?.name === "RepositoryNotFoundException") return { imageIds: [] };
                throw new OpsError(
                    `cannot list the images of ${repository}: ${error?.name ?? "Error"}: ${error?.message ?? error}`,
                );
            });
        images.push(...(page.imageIds ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    return images;
}

/**
 * The images BatchDeleteImage answered with a failure instead of deleting: it reports them in
 * `failures` ({ imageId, failureCode, failureReason }) and still succeeds (ECR API reference,
 * BatchDeleteImage and ImageFailure). ImageNotFound means already gone: an image listed under two
 * tags goes with the first.
 */
function undeleted(
    failures:
        | Array<{ imageId?: { imageDigest?: string; imageTag?: string }; failureCode?: string; failureReason?: string }>
        | undefined,
): string[] {
    return (failures ?? [])
        .filter((failure) => failure.failureCode !== "ImageNotFound")
        .map(
            (failure) =>
                `${failure.imageId?.imageTag ?? failure.imageId?.imageDigest ?? "?"} ${failure.failureCode} (${failure.failureReason ?? "no reason given"})`,
        );
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
export async function destroyBase(
    ops: Stacks,
    env: EnvironmentName,
    options: DestroyBaseOptions,
    ecr: SendsCommands,
    context: OperationContext,
    log: (line: string) => void,
): Promise<void> {
    const base = stackNameOf("base", env);
    const runtime = stackNameOf("runtime", env);
    const listing = await ops.list();
    const runtimeResources = listing.get(runtime)?.resourceCount ?? 0;
    if (runtimeResources > 0) {
        throw new OpsError(
            `${runtime} still has ${runtimeResources} resources that use ${base}; run "npm run down -- --env ${env}" first`,
        );
    }
    if (!listing.has(base)) throw new OpsError(`no stack ${base} in this backend; nothing to destroy`);

    log(
        `preview destroy ${base} (protected resources aside): ${describeChanges(await ops.previewDestroy(base, context, { excludeProtected: true }))}`,
    );

    const repositories = Object.values(await ops.baseRepositoryNames(env, readStackFile(base).project));
    const held = await Promise.all(
        repositories.map(async (repository) => ({ repository, images: await imagesOf(ecr, repository) })),
    );
    const nonEmpty = held.filter((entry) => entry.images.length > 0);
    if (nonEmpty.length > 0 && !options.forceDeleteImages) {
        throw new OpsError(
            `${nonEmpty.map((entry) => `${entry.repository} holds ${entry.images.length} images`).join(", ")}; a destroy never deletes images. ` +
                `Delete those you no longer need, or add --force-delete-images to delete them all. Nothing was changed`,
        );
    }
    for (const { repository, images } of nonEmpty) {
        const failed: string[] = [];
        for (let start = 0; start < images.length; start += 100) {
            const response = await ecr.send(
                new BatchDeleteImageCommand({ repositoryName: repository, imageIds: images.slice(start, start + 100) }),
            );
            failed.push(...undeleted(response.failures));
        }
        if (failed.length > 0) {
            throw new OpsError(
                `ECR did not delete ${failed.length} of the ${images.length} images of ${repository}: ${failed.join("; ")}. ` +
                    `Nothing was destroyed; delete them by hand (aws ecr batch-delete-image), or fix the cause, and run again`,
            );
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
        const again = options.unprotect
            ? `; ${base} is unprotected now: "pulumi up -s ${base}" puts the protection back`
            : "";
        throw new OpsError(`${(error as Error).message}${again}`, (error as OpsError).exitCode ?? 1);
    }
}
