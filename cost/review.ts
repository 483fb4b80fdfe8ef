import { evaluateBase, evaluateReview, StackSource } from "../offline/evaluate";
import { withReviewConfig } from "../review/config-file";
import { ENVIRONMENTS } from "../shared/environments";
import { REVIEW_ENVIRONMENT } from "../shared/stack-name";
import { priceEvaluation } from "./estimate";
import { HOURS_PER_MONTH } from "./prices";

/** What one review costs, on dev's prices and usage assumptions. */
export interface ReviewCost {
    readonly region: string;
    /** While it is awake: its tasks and their public addresses. */
    readonly perHourAwake: number;
    /** A day of it: the month's standing charges (alarms, registered tasks, requests) a day, and the day's awake hours. */
    readonly perDay: number;
    /** Awake hours a day, from dev's usage (awakeHoursPerMonth). */
    readonly awakeHoursPerDay: number;
    /** A day awake around the clock: the most a review costs a day. */
    readonly perDayAwakeAllDay: number;
}

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/**
 * Prices one review offline, as `npm run review` would deploy it (review/config-file.ts) against
 * base-dev with the HTTP API front door a review needs. Asleep at rest (wakeOnRequest), it costs its
 * tasks only while awake; what it costs standing (alarms, the tasks' Cloud Map registrations, dev's
 * assumed requests) is a month's figure, here by the day.
 */
export async function estimateReview(source: StackSource = {}): Promise<ReviewCost> {
    const base = await evaluateBase(REVIEW_ENVIRONMENT, { frontDoor: "http-api" }, source);
    const runtime = await withReviewConfig(1, undefined, (dir) => evaluateReview(1, base, dir), source);
    const summary = priceEvaluation("review", REVIEW_ENVIRONMENT, { base, runtime });
    const standingPerDay = (summary.runtimeMonthlyAlwaysOn - summary.runtimePerHour * HOURS_PER_MONTH) / DAYS_PER_MONTH;
    const awakeHoursPerDay = ENVIRONMENTS[REVIEW_ENVIRONMENT].usage.awakeHoursPerMonth / DAYS_PER_MONTH;
    return {
        region: summary.region,
        perHourAwake: summary.runtimePerHour,
        perDay: standingPerDay + awakeHoursPerDay * summary.runtimePerHour,
        awakeHoursPerDay,
        perDayAwakeAllDay: standingPerDay + 24 * summary.runtimePerHour,
    };
}

/** One line for a terminal and a pull request comment. */
export function describeReviewCost(cost: ReviewCost): string {
    return (
        `a review costs $${cost.perHourAwake.toFixed(4)} an hour while awake and about $${cost.perDay.toFixed(2)} a day ` +
        `(${cost.awakeHoursPerDay.toFixed(1)} hours awake a day, dev's usage assumption; $${cost.perDayAwakeAllDay.toFixed(2)} a day awake around the clock), ` +
        `${cost.region} prices in cost/prices.ts`
    );
}
