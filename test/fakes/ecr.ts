/**
 * ECR's DescribeImages, ListImages and BatchDeleteImage, as the ECR API reference describes them,
 * recorded: a repository not given images here does not exist (RepositoryNotFoundException);
 * DescribeImages of a tag the repository lacks is ImageNotFoundException; ListImages answers at most
 * maxResults (1 to 1000; 100 when not given) image ids and a nextToken while more remain;
 * BatchDeleteImage takes 1 to 100 image ids and succeeds even when some fail, listing them in
 * `failures`.
 */
interface Image {
    readonly imageDigest: string;
    readonly imageTag: string;
}

interface DeleteFailure {
    readonly imageId: Image;
    readonly failureCode: string;
    readonly failureReason: string;
}

const ecrError = (name: string, message: string) => Object.assign(new Error(message), { name });

export class FakeEcr {
    readonly calls: Array<[string, any]> = [];
    /** An error every call throws instead of answering (no credentials, say). */
    error?: { name: string; message: string };
    /** What BatchDeleteImage reports in `failures` per repository: those images stay. */
    readonly failures: Record<string, DeleteFailure[]> = {};
    private readonly stored = new Map<string, Image[]>();

    /** `repository` holds images with these tags, or this many tagged v0, v1, ...; digests sha256:<index>. */
    holds(repository: string, tags: readonly string[] | number): this {
        const named = typeof tags === "number" ? Array.from({ length: tags }, (_, index) => `v${index}`) : tags;
        this.stored.set(
            repository,
            named.map((imageTag, index) => ({ imageDigest: `sha256:${index}`, imageTag })),
        );
        return this;
    }

    left(repository: string): number {
        return this.stored.get(repository)?.length ?? 0;
    }

    /** The images DescribeImages was asked about, in order. */
    described(): Array<{ repositoryName: string; imageTag: string }> {
        return this.calls
            .filter(([name]) => name === "DescribeImagesCommand")
            .map(([, input]) => ({ repositoryName: input.repositoryName, imageTag: input.imageIds[0].imageTag }));
    }

    async send(command: { constructor: { name: string }; input: any }): Promise<any> {
        const name = command.constructor.name;
        this.calls.push([name, command.input]);
        if (this.error) throw ecrError(this.error.name, this.error.message);
        const { repositoryName } = command.input;
        const images = this.stored.get(repositoryName);
        if (!images)
            throw ecrError(
                "RepositoryNotFoundException",
                `The repository with name '${repositoryName}' does not exist`,
            );
        if (name === "DescribeImagesCommand") return this.describe(images, command.input);
        if (name === "ListImagesCommand") return this.list(images, command.input);
        if (name === "BatchDeleteImageCommand") return this.delete(repositoryName, images, command.input.imageIds);
        throw new Error(`the ECR stand-in does not know ${name}`);
    }

    private describe(images: readonly Image[], input: any) {
        const imageTag = input.imageIds[0].imageTag;
        if (!images.some((image) => image.imageTag === imageTag))
            throw ecrError(
                "ImageNotFoundException",
                `The image with imageId {imageTag:'${imageTag}'} does not exist within the repository`,
            );
        return { imageDetails: [{ repositoryName: input.repositoryName, imageTags: [imageTag] }] };
    }

    private list(images: readonly Image[], input: any) {
        const { nextToken, maxResults = 100 } = input;
        const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, "base64").toString());
        const end = start + maxResults;
        return {
            imageIds: images.slice(start, end),
            nextToken: end < images.length ? Buffer.from(String(end)).toString("base64") : undefined,
        };
    }

    private delete(repositoryName: string, images: readonly Image[], imageIds: Image[]) {
        if (imageIds.length < 1 || imageIds.length > 100)
            throw ecrError("InvalidParameterException", "imageIds: 1 to 100 members");
        const failures = this.failures[repositoryName] ?? [];
        const failed = new Set(failures.map((failure) => failure.imageId.imageDigest));
        const deleted = imageIds.filter((id) => !failed.has(id.imageDigest));
        const doomed = new Set(deleted.map((id) => id.imageDigest));
        this.stored.set(
            repositoryName,
            images.filter((image) => !doomed.has(image.imageDigest)),
        );
        return { imageIds: deleted, failures };
    }
}
