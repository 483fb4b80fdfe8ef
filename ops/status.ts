import { ENVIRONMENT_NAMES, EnvironmentName } from "../shared/environments";
import { LAYERS, stackNameOf } from "../shared/stack-name";
import { environmentFrom, parseFlags } from "./args";
import { runMain } from "./cli";
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
                locked: listed.updateInProgress,
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
            status.locked ? "LOCKED" : status.exists ? "no" : "-",
            status.lastUpdate ? `${status.lastUpdate.kind} ${status.lastUpdate.result} ${status.lastUpdate.time ?? ""}`.trim() : "-",
            status.images ? SERVICE_NAMES.map((service) => `${service} ${status.images![service]}`).join(", ") + (status.committedImages ? " (DIFFERS from committed)" : "") : "-",
            status.url ?? "-",
        ]),
    ];
    return textTable(rows);
}

const USAGE = "npm run status [-- --env <dev|staging|prod>] [--json]";

export async function main(argv: string[], _signal: AbortSignal, stacks?: Stacks, print: (text: string) => void = console.log, source: StackSource = {}): Promise<number> {
    const flags = parseFlags(argv, { env: { type: "string" }, json: { type: "boolean" } }, USAGE);
    const envs = flags.env === undefined ? ENVIRONMENT_NAMES : [environmentFrom(flags.env, USAGE)];
    const statuses = await collectStatus(stacks ?? (await Stacks.open()), envs, source);
    print(flags.json ? JSON.stringify(statuses, null, 2) : statusTable(statuses));
    const locked = statuses.filter((status) => status.locked).map((status) => status.stack);
    if (locked.length > 0 && !flags.json) {
        print(`\n${locked.join(", ")} ${locked.length === 1 ? "is" : "are"} locked; if no run is active, clear it with "pulumi cancel -s ${locked[0]} --yes"`);
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

if (require.main === module) runMain(main);
