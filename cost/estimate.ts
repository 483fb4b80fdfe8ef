import { EnvironmentOverrides, evaluateEnvironment, EnvironmentEvaluation, StackSource } from "../offline/evaluate";
import {
    EgressMode,
    egressModesFor,
    EnvironmentName,
    ENVIRONMENTS,
    FrontDoor,
    frontDoorsFor,
} from "../shared/environments";
import { weeklyUpHours } from "../shared/schedule";
import { UsageAssumptions } from "../shared/environments";
import { LineItem, priceResources } from "./price-resources";
import { HOURS_PER_MONTH } from "./prices";
import { TYPES } from "../shared/resource-types";

export interface StackCost {
    readonly stack: string;
    readonly items: readonly LineItem[];
}

export interface CostSummary {
    readonly label: string;
    readonly env: EnvironmentName;
    readonly region: string;
    readonly egress: string;
    readonly frontDoor: string;
    readonly base: StackCost;
    readonly runtime: StackCost;
    readonly assumptions: UsageAssumptions;
    /**
     * Hours a month runtime is up: the teardown schedule's, all of them for unscheduled environments,
     * or with wakeOnRequest the hours it is awake (usage's awakeHoursPerMonth).
     */
    readonly upHoursPerMonth: number;
    /** Asleep at rest (wakeOnRequest): the hours up are hours of use, not the schedule's. */
    readonly wakeOnRequest: boolean;
    readonly baseMonthly: number;
    readonly runtimePerHour: number;
    readonly runtimeMonthlyAlwaysOn: number;
    readonly runtimeMonthlyScheduled: number;
    readonly totalMonthly: number;
    readonly saving: number;
    readonly savingPercent: number;
}

/** Up-hours a month on the workflows' schedule: 60 a week, 52 weeks over 12 months. */
export function scheduledUpHoursPerMonth(env: EnvironmentName): number {
    return ENVIRONMENTS[env].scheduled ? (weeklyUpHours() * 52) / 12 : HOURS_PER_MONTH;
}

/** Runtime's hours up a month: asleep at rest (wakeOnRequest), its assumed hours of use; otherwise the schedule's. */
export function runtimeUpHoursPerMonth(env: EnvironmentName, asleepAtRest: boolean): number {
    return asleepAtRest ? ENVIRONMENTS[env].usage.awakeHoursPerMonth : scheduledUpHoursPerMonth(env);
}

const sum = (items: readonly LineItem[]) => items.reduce((total, item) => total + item.monthly, 0);

/**
 * Base's month: what it costs at rest, plus what it charges by use while runtime runs (log ingestion
 * into its log groups) for runtime's up hours only. Base is always on; runtime's hourly and traffic
 * charges accrue only while it is up.
 */
export function baseMonthlyCost(items: readonly LineItem[], upHoursPerMonth: number): number {
    return (
        sum(items.filter((item) => !item.whileUp)) +
        (sum(items.filter((item) => item.whileUp)) * upHoursPerMonth) / HOURS_PER_MONTH
    );
}

export function summarize(
    label: string,
    env: EnvironmentName,
    region: string,
    egress: string,
    frontDoor: string,
    base: StackCost,
    runtime: StackCost,
    upHoursPerMonth: number,
    wakeOnRequest = false,
): CostSummary {
    const baseMonthly = baseMonthlyCost(base.items, upHoursPerMonth);
    const whileUp = sum(runtime.items.filter((item) => item.whileUp));
    const always = sum(runtime.items.filter((item) => !item.whileUp));
    const runtimePerHour = whileUp / HOURS_PER_MONTH;
    const runtimeMonthlyAlwaysOn = whileUp + always;
    const runtimeMonthlyScheduled = runtimePerHour * upHoursPerMonth + always;
    const saving = runtimeMonthlyAlwaysOn - runtimeMonthlyScheduled;
    return {
        label,
        env,
        region,
        egress,
        frontDoor,
        base,
        runtime,
        assumptions: ENVIRONMENTS[env].usage,
        upHoursPerMonth,
        wakeOnRequest,
        baseMonthly,
        runtimePerHour,
        runtimeMonthlyAlwaysOn,
        runtimeMonthlyScheduled,
        totalMonthly: baseMonthly + runtimeMonthlyScheduled,
        saving,
        savingPercent:
            baseMonthly + runtimeMonthlyAlwaysOn > 0 ? (100 * saving) / (baseMonthly + runtimeMonthlyAlwaysOn) : 0,
    };
}

export function priceEvaluation(label: string, env: EnvironmentName, evaluation: EnvironmentEvaluation): CostSummary {
    const region = String(evaluation.base.outputs.region);
    const stackCost = (stack: EnvironmentEvaluation["base"]): StackCost => {
        const priced = priceResources(stack.resources, region, ENVIRONMENTS[env].usage);
        if (priced.unpriced.length > 0) {
            throw new Error(
                `${stack.stack} declares resource types with no price and not known to be free: ${priced.unpriced.join(", ")}; price them in cost/price-resources.ts or list them in FREE_TYPES`,
            );
        }
        return { stack: stack.stack, items: priced.items };
    };
    const { egress, frontDoor, wakeOnRequest } = evaluation.runtime.outputs;
    const asleepAtRest = wakeOnRequest !== undefined && wakeOnRequest !== null;
    return summarize(
        label,
        env,
        region,
        String(egress),
        String(frontDoor),
        stackCost(evaluation.base),
        stackCost(evaluation.runtime),
        runtimeUpHoursPerMonth(env, asleepAtRest),
        asleepAtRest,
    );
}

/** What to price: the committed stack files, and optionally a what-if on top of them. */
export interface EstimateOptions {
    /** Price this egress mode instead of the committed one. */
    readonly egress?: EgressMode;
    /** Price this front door instead of the committed one (in both stacks, as it must be). */
    readonly frontDoor?: FrontDoor;
    /** Price it asleep at rest (wakeOnRequest, with frontDoor http-api and egress public-ip, which it needs). */
    readonly wakeOnRequest?: boolean;
    /** Price both stacks in this region instead of their committed aws:region. */
    readonly region?: string;
    readonly source?: StackSource;
}

function whatIf(options: EstimateOptions): EnvironmentOverrides {
    const region: Record<string, string> = options.region ? { "aws:region": options.region } : {};
    if (options.wakeOnRequest) {
        const wake = { frontDoor: "http-api", egress: "public-ip", wakeOnRequest: "true" };
        return { base: { ...region, frontDoor: "http-api" }, runtime: { ...region, ...wake } };
    }
    const egress: Record<string, string> = options.egress ? { egress: options.egress } : {};
    const frontDoor: Record<string, string> = options.frontDoor ? { frontDoor: options.frontDoor } : {};
    // A committed wakeOnRequest needs http-api and public-ip: another layout is priced awake ("" unsets a key).
    const awake: Record<string, string> =
        (options.egress && options.egress !== "public-ip") || options.frontDoor === "alb"
            ? { wakeOnRequest: "", idleMinutes: "" }
            : {};
    return { base: { ...region, ...frontDoor }, runtime: { ...region, ...egress, ...frontDoor, ...awake } };
}

/** Prices an environment as its committed stack files declare it, offline (the tests' mock engine, no cloud calls). */
export async function estimate(env: EnvironmentName, options: EstimateOptions = {}): Promise<CostSummary> {
    const evaluation = await evaluateEnvironment(env, whatIf(options), options.source);
    return priceEvaluation(String(evaluation.runtime.outputs.egress), env, evaluation);
}

/** Types the old Terraform layout kept in base, running around the clock. */
const OLD_BASE_TYPES = new Set<string>([TYPES.natGateway, TYPES.eip, TYPES.loadBalancer]);

/**
 * The environment in every front door and egress mode its config allows, and the old layout (a NAT
 * per zone and the load balancer in base, always on; only the services torn down), priced the same way.
 */
export async function compare(
    env: EnvironmentName,
    options: Omit<EstimateOptions, "egress" | "frontDoor"> = {},
): Promise<CostSummary[]> {
    const summaries: CostSummary[] = [];
    for (const frontDoor of frontDoorsFor(env)) {
        for (const egress of egressModesFor(env))
            summaries.push(await estimate(env, { ...options, egress, frontDoor }));
    }
    const perAz = await evaluateEnvironment(
        env,
        whatIf({ ...options, egress: "nat-per-az", frontDoor: "alb" }),
        options.source,
    );
    const split = priceEvaluation("nat-per-az", env, perAz);
    const moved = split.runtime.items.filter((item) => OLD_BASE_TYPES.has(item.type));
    const old = summarize(
        "old layout (NAT per zone and load balancer in base)",
        env,
        split.region,
        "nat-per-az",
        "alb",
        {
            stack: split.base.stack,
            items: [...split.base.items, ...moved.map((item) => ({ ...item, whileUp: false }))],
        },
        { stack: split.runtime.stack, items: split.runtime.items.filter((item) => !OLD_BASE_TYPES.has(item.type)) },
        split.upHoursPerMonth,
    );
    return [...summaries, old];
}
