import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { StackSource } from "../offline/evaluate";
import { readStackFile, stackFilePath } from "../offline/stack-files";
import { KEYS_REVIEWS_DROP, REVIEW_SETTINGS } from "../shared/review";
import { reviewStackName, REVIEW_ENVIRONMENT, stackNameOf } from "../shared/stack-name";
import { ServiceTags, tagsOf, withTags } from "../release/ledger";

/**
 * A review's config, made from dev's runtime file (its sizes, its release, its secrets provider
 * lines, so the review decrypts as dev does): the review's settings over it, dev's own hostnames
 * and log bucket left out, and `tags` in place of dev's release when given.
 */
export function reviewConfigText(devText: string, project: string, pullRequest: number, tags?: ServiceTags): string {
    const document = parseDocument(tags ? withTags(devText, project, tags) : devText);
    for (const key of KEYS_REVIEWS_DROP) document.deleteIn(["config", `${project}:${key}`]);
    for (const [key, value] of Object.entries(REVIEW_SETTINGS)) document.setIn(["config", `${project}:${key}`], value);
    document.commentBefore =
        ` The review of pull request ${pullRequest}, written by "npm run review" from ` +
        `${path.basename(stackFilePath(stackNameOf("runtime", REVIEW_ENVIRONMENT)))} for one run; never committed.`;
    return String(document);
}

/** The release dev's runtime file records, which a review runs unless told otherwise. */
export function devRelease(source: StackSource = {}): ServiceTags {
    const file = readStackFile(stackNameOf("runtime", REVIEW_ENVIRONMENT), source);
    return tagsOf(readFileSync(file.file, "utf8"), file.project);
}

/**
 * Runs `operation` with a directory holding the project file and the review's stack file, which the
 * CLI takes as `--config-file` (Automation API `configFile`) and the offline engine reads as any
 * stack file; the directory is removed afterwards, so no review's file lands among the committed ones.
 */
export async function withReviewConfig<T>(
    pullRequest: number,
    tags: ServiceTags | undefined,
    operation: (dir: string, configFile: string) => Promise<T>,
    source: StackSource = {},
): Promise<T> {
    const dev = readStackFile(stackNameOf("runtime", REVIEW_ENVIRONMENT), source);
    const dir = mkdtempSync(path.join(tmpdir(), "durable-code-review-"));
    const configFile = stackFilePath(reviewStackName(pullRequest), dir);
    try {
        copyFileSync(path.join(path.dirname(dev.file), "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        writeFileSync(configFile, reviewConfigText(readFileSync(dev.file, "utf8"), dev.project, pullRequest, tags));
        return await operation(dir, configFile);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
