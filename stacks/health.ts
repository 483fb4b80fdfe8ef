import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { HEALTH_PATHS } from "../shared/services";

export interface HealthOptions {
    /** Give up after this long, in milliseconds. */
    readonly deadlineMs: number;
    readonly firstDelayMs?: number;
    readonly maxDelayMs?: number;
    /** Time allowed for one request. */
    readonly requestTimeoutMs?: number;
    readonly log?: (line: string) => void;
    readonly signal?: AbortSignal;
}

export interface HealthResult {
    readonly attempts: number;
    readonly elapsedMs: number;
}

/**
 * Waits until every path answers 2xx, retrying with exponential backoff up to the deadline. The
 * load balancer answers 502/503 while targets register, so early failures are expected.
 */
export async function waitForHealthy(baseUrl: string, options: HealthOptions): Promise<HealthResult> {
    const started = Date.now();
    const log = options.log ?? (() => undefined);
    let delay = options.firstDelayMs ?? 2_000;
    let attempts = 0;
    let lastProblem = "";
    for (;;) {
        if (options.signal?.aborted)
            throw new OpsError(`the health check of ${baseUrl} was cancelled`, CANCELLED_EXIT_CODE);
        attempts += 1;
        const problems = await Promise.all(
            HEALTH_PATHS.map((path) => probe(new URL(path, baseUrl).toString(), options.requestTimeoutMs ?? 5_000)),
        );
        const failing = problems.filter((problem): problem is string => problem !== undefined);
        if (failing.length === 0) {
            log(
                `healthy: ${HEALTH_PATHS.map((path) => new URL(path, baseUrl).toString()).join(" and ")} answered 2xx (attempt ${attempts})`,
            );
            return { attempts, elapsedMs: Date.now() - started };
        }
        lastProblem = failing.join("; ");
        const remaining = options.deadlineMs - (Date.now() - started);
        if (remaining <= 0) {
            throw new OpsError(
                `${baseUrl} did not become healthy within ${Math.round(options.deadlineMs / 1000)} s (${attempts} attempts; last: ${lastProblem}). ` +
                    `Check the ECS service events and the log groups in the runtime stack's outputs (pulumi stack output -s runtime-<env>).`,
            );
        }
        log(`not healthy yet (${lastProblem}); retrying in ${Math.round(Math.min(delay, remaining) / 100) / 10} s`);
        await sleep(Math.min(delay, remaining), options.signal);
        delay = Math.min(delay * 2, options.maxDelayMs ?? 30_000);
    }
}

async function probe(url: string, timeoutMs: number): Promise<string | undefined> {
    try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
        await response.arrayBuffer();
        return response.status >= 200 && response.status < 300 ? undefined : `${url} answered ${response.status}`;
    } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        return `${url} failed (${cause})`;
    }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
        });
    });
}
