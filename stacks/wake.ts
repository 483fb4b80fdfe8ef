import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { SendsCommands } from "../cli/sdk-client";
import { OpsError } from "../cli/errors";
import { SERVICE_NAMES, ServiceName } from "../shared/services";

/** A wakeOnRequest environment's services now: asleep when every one is set to 0 tasks. */
export interface SleepState {
    readonly asleep: boolean;
    /** Each service's desired count, as Application Auto Scaling last set it. */
    readonly desired: Readonly<Record<ServiceName, number>>;
    /** When a service last started tasks (the latest such service event), if ECS still lists one. */
    readonly lastWoke?: Date;
}

/**
 * DescribeServices returns a service's newest events, each a createdAt and a message (ECS API
 * reference, ServiceEvent); when the scheduler starts tasks the message reads "(service <name>) has
 * started <n> tasks: (task ...)", as the console's Events tab shows. A service woken from 0 starts its
 * tasks, so the newest such event is its last wake; a task replaced while awake (a Spot interruption)
 * logs the same, so it counts too.
 */
const STARTED = /has started \d+ tasks?/;

/** Whether the runtime stack's outputs say it is asleep at rest (wakeOnRequest). */
export function sleepsAtRest(outputs: Record<string, unknown>): boolean {
    return outputs.wakeOnRequest !== undefined && outputs.wakeOnRequest !== null;
}

export async function sleepState(ecs: SendsCommands, outputs: Record<string, unknown>): Promise<SleepState> {
    const cluster = outputs.clusterName as string;
    const names = outputs.serviceNames as Record<ServiceName, string>;
    const answer = await ecs.send(
        new DescribeServicesCommand({ cluster, services: SERVICE_NAMES.map((service) => names[service]) }),
    );
    const described = (service: ServiceName) =>
        (answer.services ?? []).find((candidate: { serviceName?: string }) => candidate.serviceName === names[service]);
    const missing = SERVICE_NAMES.filter((service) => !described(service));
    if (missing.length > 0)
        throw new OpsError(
            `ECS does not describe ${missing.map((service) => names[service]).join(", ")} in ${cluster}`,
        );
    const desired = Object.fromEntries(
        SERVICE_NAMES.map((service) => [service, Number(described(service).desiredCount ?? 0)]),
    ) as Record<ServiceName, number>;
    const starts: Date[] = SERVICE_NAMES.flatMap((service) =>
        (described(service).events ?? [])
            .filter((event: { message?: string }) => STARTED.test(event.message ?? ""))
            .map((event: { createdAt: Date | string }) => new Date(event.createdAt)),
    );
    const lastWoke = starts.length > 0 ? new Date(Math.max(...starts.map((date) => date.getTime()))) : undefined;
    return {
        asleep: SERVICE_NAMES.every((service) => desired[service] === 0),
        desired,
        ...(lastWoke ? { lastWoke } : {}),
    };
}

/** One line for status: asleep or awake, and when it last woke. */
export function describeSleep(state: SleepState): string {
    const woke = state.lastWoke ? `, last woke ${state.lastWoke.toISOString()}` : "";
    return state.asleep
        ? `asleep${woke}`
        : `awake (${SERVICE_NAMES.map((service) => `${service} ${state.desired[service]}`).join(", ")})${woke}`;
}

/**
 * Runs the health check of a runtime just deployed. Asleep (wakeOnRequest, every service at 0 tasks),
 * its first request is what wakes it: say so first, and after the first answer check with ECS that
 * the services woke, so every startup proves the wake path.
 */
export async function wakingIfAsleep<T>(
    ecs: SendsCommands,
    runtime: string,
    outputs: Record<string, unknown>,
    log: (line: string) => void,
    healthCheck: () => Promise<T>,
): Promise<T> {
    const asleep = sleepsAtRest(outputs) && (await sleepState(ecs, outputs)).asleep;
    if (!asleep) return healthCheck();
    log(
        `${runtime} is asleep (wakeOnRequest: every service at 0 tasks); the health check's first request wakes it, about three to four minutes (docs/front-doors.md, "Asleep until opened")`,
    );
    const started = Date.now();
    const result = await healthCheck();
    if ((await sleepState(ecs, outputs)).asleep)
        throw new OpsError(
            `${runtime} answered while ECS shows every service at 0 tasks: something other than its tasks answers ${String(outputs.url)}; check the HTTP API's integrations and "npm run status -- --env ${runtime.replace(/^runtime-/, "")}"`,
        );
    log(`${runtime} woke on request and answered after ${Math.round((Date.now() - started) / 1000)} s`);
    return result;
}
