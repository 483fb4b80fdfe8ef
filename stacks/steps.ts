import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { StepRecord } from "./report";
import { ResourceChanges } from "./automation";

export interface StepOutcome {
    readonly changes?: ResourceChanges;
    readonly detail?: string;
}

/**
 * Runs named steps in order, printing a header for each and recording the result. After a step
 * that stops the run fails (or anything is cancelled), the steps that follow are recorded as skipped.
 */
export class StepRunner {
    readonly records: StepRecord[] = [];
    private stoppedBy?: string;
    private failures = 0;

    constructor(
        private readonly log: (line: string) => void,
        /** Once aborted, no further step starts. */
        private readonly signal?: AbortSignal,
        /** Called with every record so far after each step. */
        private readonly onRecord?: (records: readonly StepRecord[]) => void,
    ) {}

    get failed(): boolean {
        return this.failures > 0;
    }

    get cancelled(): boolean {
        return this.records.some((record) => record.result === "cancelled");
    }

    /**
     * @param stopOnFailure whether the steps after this one depend on it; false where carrying on is
     *        safe and useful (tearing down after a failed health check).
     * @param skipWhen a reason to skip this step although nothing stopped the run.
     */
    async run(
        step: string,
        action: () => Promise<StepOutcome | void>,
        options: { stopOnFailure?: boolean; skipWhen?: string } = {},
    ): Promise<boolean> {
        if (this.signal?.aborted && !this.stoppedBy) this.stoppedBy = "the run was cancelled";
        const skipReason = this.stoppedBy ? `skipped: ${this.stoppedBy}` : options.skipWhen;
        if (skipReason) {
            this.records.push({ step, result: "skipped", durationMs: 0, detail: skipReason });
            this.onRecord?.(this.records);
            return false;
        }
        const passed = await this.attempt(step, action, options);
        this.onRecord?.(this.records);
        return passed;
    }

    private async attempt(
        step: string,
        action: () => Promise<StepOutcome | void>,
        options: { stopOnFailure?: boolean },
    ): Promise<boolean> {
        this.log(`\n=== ${step} ===`);
        const started = Date.now();
        try {
            const outcome = (await action()) ?? {};
            this.records.push({ step, result: "passed", durationMs: Date.now() - started, ...outcome });
            return true;
        } catch (error) {
            const cancelled =
                (error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE) || this.signal?.aborted === true;
            const detail = error instanceof Error ? error.message : String(error);
            this.records.push({
                step,
                result: cancelled ? "cancelled" : "failed",
                durationMs: Date.now() - started,
                detail,
            });
            this.failures += 1;
            this.log(`${step} ${cancelled ? "was cancelled" : "FAILED"}: ${detail}`);
            if (cancelled) this.stoppedBy = `"${step}" was cancelled`;
            else if (options.stopOnFailure !== false) this.stoppedBy = `"${step}" failed`;
            return false;
        }
    }

    exitCode(): number {
        if (this.cancelled || this.signal?.aborted) return CANCELLED_EXIT_CODE;
        return this.failed ? 1 : 0;
    }
}
