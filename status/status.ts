import { EnvironmentName } from "../shared/environments";
import { LAYERS, stackNameOf } from "../shared/stack-name";
import { describeLock } from "../stacks/locks";
import { readFileSync } from "node:fs";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";
import { SERVICE_NAMES } from "../shared/services";
import { ServiceTags, tagsOf } from "../release/ledger";
import { LastUpdate, Stacks } from "../stacks/automation";
import { textTable } from "../cli/text-table";
import { SendsCommands } from "../cli/sdk-client";
import { describeSleep, sleepsAtRest, sleepState } from "../stacks/wake";

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
    /** wakeOnRequest: asleep or awake, and when it last woke (ECS's service events). */
    readonly sleep?: string;
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
export async function collectStatus(
    stacks: Stacks,
    envs: readonly EnvironmentName[],
    source: StackSource = {},
    ecs?: () => SendsCommands,
): Promise<StackStatus[]> {
    const listing = await stacks.list();
    const statuses: StackStatus[] = [];
    let client: SendsCommands | undefined;
    const ecsClient = () => (client ??= ecs!());
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
            const sleep =
                ecs && sleepsAtRest(outputs) ? describeSleep(await sleepState(ecsClient(), outputs)) : undefined;
            const drifted =
                images && committed && SERVICE_NAMES.some((service) => images[service] !== committed[service]);
            statuses.push({
                stack,
                exists: true,
                resourceCount: listed.resourceCount,
                locked: locks.length > 0,
                ...(locks.length > 0 ? { lockedBy: locks.map((lock) => describeLock(lock)) } : {}),
                lastUpdate: last && {
                    kind: last.kind,
                    result: last.result,
                    time: (last.endTime ?? last.startTime)?.toISOString(),
                },
                url: typeof url === "string" ? url : undefined,
                ...(images ? { images } : {}),
                ...(drifted ? { committedImages: committed } : {}),
                ...(sleep ? { sleep } : {}),
            });
        }
    }
    return statuses;
}

export function statusTable(statuses: readonly StackStatus[]): string {
    const rows = [
        ["stack", "exists", "resources", "locked", "last update", "images", "sleep", "url"],
        ...statuses.map((status) => [
            status.stack,
            status.exists ? "yes" : "no",
            status.exists ? String(status.resourceCount ?? "?") : "-",
            status.locked ? `LOCKED by ${status.lockedBy!.length}` : status.exists ? "no" : "-",
            status.lastUpdate
                ? `${status.lastUpdate.kind} ${status.lastUpdate.result} ${status.lastUpdate.time ?? ""}`.trim()
                : "-",
            status.images
                ? SERVICE_NAMES.map((service) => `${service} ${status.images![service]}`).join(", ") +
                  (status.committedImages ? " (DIFFERS from committed)" : "")
                : "-",
            status.sleep ?? "-",
            status.url ?? "-",
        ]),
    ];
    return textTable(rows);
}
