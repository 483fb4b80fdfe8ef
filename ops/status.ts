import { ENVIRONMENT_NAMES, EnvironmentName } from "../shared/environments";
import { LAYERS, stackNameOf } from "../shared/stack-name";
import { environmentFrom } from "./args";
import { runMain } from "./cli";
import { CommandSpec, parseCommand } from "./command";
import { describeLock } from "./locks";
import { readFileSync } from "node:fs";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";
import { SERVICE_NAMES } from "../shared/services";
import { ServiceTags, tagsOf } from "./release-ledger";
import { elasticIpDemand, elasticIpWarnings } from "./elastic-ips";
import { LastUpdate, Stacks } from "./stacks";
import { textTable } from "./text-table";

export interface StackStatus {
    readonly stack: string;
    readonly exists: boolean;
    readonly resourceCount?: number;
    readonly locked?: boolean;
    /** Who holds each lock and since when, read from the backend's lock objects. */
    readonly lockedBy?: string[];
    readonly lastUpdate?: Pick<LastUpdate, "kind" | "result"> & { readonly time?: string };
    /** The application URL, when this is a runtime stack that is up. */
    readonly url?: string;
    /** The tag each service runs (a runtime stack that is up), and the committed ones where they differ. */
    readonly images?: Record<string, string>;
    readonly committedImages?: Record<string, string>;
}

function committedTags(stack: string, source: StackSource): ServiceTags | undefined {
    try {
        const file = readStackFile(stack, source);
        return tagsOf(readFileSync(file.file, "utf8"), file.project);
    } catch {
        return undefined;
    }
}

/** Both stacks of each environment: do they exist, how big, last update, lock, URL. */
export async function collectStatus(stacks: Stacks, envs: readonly EnvironmentName[], source: StackSource = {}): Promise<StackStatus[]> {
    const listing = await stacks.list();
    const statuses: StackStatus[] = [];
    for (const env of envs) {
        for (const layer of LAYERS) {
            const stack = stackNameOf(layer, env);
            const listed = listing.get(stack);
            if (!listed) {
                statuses.push({ stack, exists: false });
                continue;
            }
            const last = await stacks.lastUpdate(stack);
            const locks = await stacks.locks(stack);
            const up = layer === "runtime" && (listed.resourceCount ?? 0) > 0;
            const outputs = up ? await stacks.outputs(stack) : {};
            const url = outputs.url;
            const images = outputs.imageTags as Record<string, string> | undefined;
            const committed = images ? committedTags(stack, source) : undefined;
            const drifted = images && committed && SERVICE_NAMES.some((service) => images[service] !== committed[service]);
            statuses.push({
                stack,
                exists: true,
                resourceCount: listed.resourceCount,
                locked: locks.length > 0,
                ...(locks.length > 0 ? { lockedBy: locks.map((lock) => describeLock(lock)) } : {}),
                lastUpdate: last && { kind: last.kind, result: last.result, time: (last.endTime ?? last.startTime)?.toISOString() },
                url: typeof url === "string" ? url : undefined,
                ...(images ? { images } : {}),
                ...(drifted ? { committedImages: committed } : {}),
            });
        }
    }
    return statuses;
}

export function statusTable(statuses: readonly StackStatus[]): string {
    const rows = [
        ["stack", "exists", "resources", "locked", "last update", "images", "url"],
        ...statuses.map((status) => [
            status.stack,
            status.exists ? "yes" : "no",
            status.exists ? String(status.resourceCount ?? "?") : "-",
            status.locked ? `LOCKED by ${status.lockedBy!.length}` : status.exists ? "no" : "-",
            status.lastUpdate ? `${status.lastUpdate.kind} ${status.lastUpdate.result} ${status.lastUpdate.time ?? ""}`.trim() : "-",
            status.images ? SERVICE_NAMES.map((service) => `${service} ${status.images![service]}`).join(", ") + (status.committedImages ? " (DIFFERS from committed)" : "") : "-",
            status.url ?? "-",
        ]),
    ];
    return textTable(rows);
}

export const STATUS_SPEC: CommandSpec = {
    usage: "npm run status [-- --env <dev|staging|prod>] [--json]",
    summary: "Per stack: exists, resources, lock (who, since when), last update, the images each service runs, the URL; and Elastic IP warnings.",
    flags: {
        env: { type: "string", value: "dev|staging|prod", help: "one environment only", default: "all" },
        json: { type: "boolean", help: "the statuses as JSON", default: "off" },
    },
    examples: ["npm run status", "npm run status -- --env dev --json"],
};
const USAGE = STATUS_SPEC.usage;

export async function main(argv: string[], _signal: unknown, stacks?: Stacks, print: (text: string) => void = console.log, source: StackSource = {}): Promise<number> {
    const flags = parseCommand(argv, STATUS_SPEC);
    const envs = flags.env === undefined ? ENVIRONMENT_NAMES : [environmentFrom(flags.env, USAGE)];
    const statuses = await collectStatus(stacks ?? (await Stacks.open()), envs, source);
    print(flags.json ? JSON.stringify(statuses, null, 2) : statusTable(statuses));
    for (const status of flags.json ? [] : statuses.filter((candidate) => candidate.locked)) {
        print(`\n${status.stack} is locked by ${status.lockedBy!.join("; ")}; if that run is no longer active, clear it with "pulumi cancel -s ${status.stack} --yes"`);
    }
    for (const status of statuses.filter((candidate) => candidate.committedImages)) {
        const committed = status.committedImages!;
        print(
            `\n${status.stack} runs ${SERVICE_NAMES.map((service) => `${service} ${status.images![service]}`).join(", ")} but Pulumi.${status.stack}.yaml has ` +
                `${SERVICE_NAMES.map((service) => `${service} ${committed[service]}`).join(", ")}; the next startup restores what is committed (release it, or commit the tag that runs)`,
        );
    }
    if (!flags.json) for (const warning of elasticIpWarnings(elasticIpDemand(source))) print(`\n${warning}`);
    return 0;
}

if (require.main === module) runMain((argv) => main(argv, undefined), { spec: STATUS_SPEC });
