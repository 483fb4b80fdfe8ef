import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { isMap, parseDocument } from "yaml";
import { imageTagKey, SERVICE_NAMES, ServiceName } from "../shared/services";
import { OpsError } from "../cli/errors";

/**
 * Git is the release ledger: the version an environment runs is the committed
 * `Pulumi.runtime-<env>.yaml`. `imageTag` is the release of every service; a service's own key
 * (`backendImageTag`, shared/services.ts's imageTagKey) overrides it for that one.
 */
export type ServiceTags = Record<ServiceName, string>;

const defaultKey = (project: string) => `${project}:imageTag`;
const serviceKey = (project: string, service: ServiceName) => `${project}:${imageTagKey(service)}`;

/** The tag each service runs according to a stack file's text. */
export function tagsOf(text: string, project: string): ServiceTags {
    const config = parseDocument(text).toJS()?.config ?? {};
    const fallback = config[defaultKey(project)];
    return Object.fromEntries(
        SERVICE_NAMES.map((service) => [service, String(config[serviceKey(project, service)] ?? fallback ?? "")]),
    ) as ServiceTags;
}

/**
 * The stack file with these tags recorded, comments and key order kept: one shared tag goes to
 * `imageTag` (dropping the overrides), differing tags to the per-service keys.
 */
export function withTags(text: string, project: string, tags: ServiceTags): string {
    const document = parseDocument(text);
    if (!isMap(document.get("config"))) document.set("config", document.createNode({}));
    const distinct = new Set(Object.values(tags));
    if (distinct.size === 1) {
        document.setIn(["config", defaultKey(project)], [...distinct][0]);
        for (const service of SERVICE_NAMES) document.deleteIn(["config", serviceKey(project, service)]);
    } else {
        const shared = String(document.getIn(["config", defaultKey(project)]) ?? "");
        for (const service of SERVICE_NAMES) {
            if (tags[service] === shared) document.deleteIn(["config", serviceKey(project, service)]);
            else document.setIn(["config", serviceKey(project, service)], tags[service]);
        }
    }
    return String(document);
}

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
    try {
        return (await run("git", args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (error) {
        const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
        throw new OpsError(`git ${args.join(" ")} failed: ${stderr}`);
    }
}

/**
 * The tag each service ran before its current one, from the stack file's committed history: the
 * newest committed version whose tag for that service differs from `current`.
 */
export async function previousTags(
    file: string,
    project: string,
    current: ServiceTags,
    services: readonly ServiceName[] = SERVICE_NAMES,
): Promise<Partial<ServiceTags>> {
    const dir = path.dirname(file);
    const prefix = (await git(dir, ["rev-parse", "--show-prefix"])).trim();
    const relative = `${prefix}${path.basename(file)}`;
    const commits = (await git(dir, ["log", "--format=%H", "--", path.basename(file)])).split("\n").filter(Boolean);
    const previous: Partial<ServiceTags> = {};
    for (const commit of commits) {
        const tags = tagsOf(await git(dir, ["show", `${commit}:${relative}`]), project);
        for (const service of services) {
            if (previous[service] === undefined && tags[service] && tags[service] !== current[service])
                previous[service] = tags[service];
        }
        if (services.every((service) => previous[service] !== undefined)) break;
    }
    const missing = services.filter((service) => previous[service] === undefined);
    if (missing.length > 0) {
        throw new OpsError(
            `no earlier release of ${missing.join(" and ")} in the git history of ${path.basename(file)} (${commits.length} commits); release a tag with --tag instead`,
        );
    }
    return previous;
}
