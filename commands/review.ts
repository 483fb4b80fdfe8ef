import { ECRClient } from "@aws-sdk/client-ecr";
import { describeReviewCost, estimateReview } from "../cost/review";
import { exclusive, positiveNumber } from "../cli/args";
import { CommandSpec, parseCommand } from "../cli/command";
import { OpsError } from "../cli/errors";
import { Cancellation, cancellationOf, runMain, timeoutFlag, timeoutMinutes } from "../cli/run-main";
import { SendsCommands } from "../cli/sdk-client";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";
import { reviewStoreFor, ReviewStore } from "../review/backend";
import { gitHubAccessFrom } from "../review/github";
import { DEFAULT_MAX_REVIEWS, reviewDown, reviewUp } from "../review/review";
import { DEFAULT_TTL_DAYS, sweep } from "../review/sweep";
import { IMAGE_TAG_PATTERN } from "../shared/config/keys";
import { SERVICE_NAMES } from "../shared/services";
import {
    pullRequestNumber,
    REVIEW_ENVIRONMENT,
    REVIEW_STACK_PREFIX,
    reviewStackName,
    stackNameOf,
} from "../shared/stack-name";
import { Stacks } from "../stacks/automation";

export const REVIEW_SPEC: CommandSpec = {
    usage: "npm run review -- (--pr <N> [--tag TAG] [--down] [--max-reviews N] | --sweep [--ttl-days DAYS]) [--timeout MINUTES]",
    summary: `Brings up or updates pull request N's review, ${REVIEW_STACK_PREFIX}<N>: a runtime of its own beside ${stackNameOf("runtime", REVIEW_ENVIRONMENT)}, reading base-${REVIEW_ENVIRONMENT}; with --down destroys it and removes its stack; --sweep removes every review whose pull request is closed or that outlived its TTL.`,
    flags: {
        pr: { type: "string", value: "N", help: "the pull request's number (required, unless --sweep)" },
        tag: {
            type: "string",
            value: "TAG",
            help: "the image tag both services run, checked in ECR first",
            default: `what ${stackNameOf("runtime", REVIEW_ENVIRONMENT)} records`,
        },
        down: {
            type: "boolean",
            help: "destroy the review and remove its stack, with its backups",
            default: "off",
        },
        "max-reviews": {
            type: "string",
            value: "N",
            help: "refuse to start a review while this many others run",
            default: String(DEFAULT_MAX_REVIEWS),
        },
        sweep: {
            type: "boolean",
            help: "remove every review whose pull request is closed (GitHub's API: GITHUB_TOKEN, GITHUB_REPOSITORY) or not updated within --ttl-days",
            default: "off",
        },
        "ttl-days": {
            type: "string",
            value: "DAYS",
            help: "with --sweep: how long a review may go without an update",
            default: String(DEFAULT_TTL_DAYS),
        },
        timeout: { type: "string", value: "MINUTES", help: "cancel cleanly after this long", default: "none" },
    },
    examples: [
        "npm run review -- --pr 42",
        "npm run review -- --pr 42 --tag pr-42-3f9c2d1",
        "npm run review -- --pr 42 --down",
    ],
};
const USAGE = REVIEW_SPEC.usage;

export type ReviewCommand =
    | {
          readonly sweep: false;
          readonly pullRequest: number;
          readonly tag?: string;
          readonly down: boolean;
          readonly maxReviews: number;
      }
    | { readonly sweep: true; readonly ttlDays: number };

/** The flags, checked before anything talks to Pulumi or AWS: a malformed number stops here. */
export function parseReviewCommand(argv: readonly string[]): ReviewCommand {
    const flags = parseCommand(argv, REVIEW_SPEC);
    const sweeping = "the sweep finds the reviews in the backend";
    exclusive(
        flags,
        [
            ["tag", "down", "--down destroys the review, whatever it runs"],
            ["pr", "sweep", sweeping],
            ["tag", "sweep", sweeping],
            ["down", "sweep", sweeping],
            ["max-reviews", "sweep", "the sweep starts no review"],
        ],
        USAGE,
    );
    timeoutMinutes(flags.timeout);
    const ttlDays = positiveNumber(flags["ttl-days"], "--ttl-days", DEFAULT_TTL_DAYS);
    if (flags.sweep === true) return { sweep: true, ttlDays };
    if (flags["ttl-days"] !== undefined)
        throw new OpsError(`--ttl-days is read only with --sweep; leave it out\nusage: ${USAGE}`, 2);
    if (flags.pr === undefined)
        throw new OpsError(`--pr is required: the pull request's number (or --sweep)\nusage: ${USAGE}`, 2);
    const pullRequest = pullRequestNumber(String(flags.pr));
    if (pullRequest === undefined) {
        throw new OpsError(
            `--pr "${String(flags.pr)}" is not a pull request number (1 to 9999999, digits only)\nusage: ${USAGE}`,
            2,
        );
    }
    const tag = flags.tag === undefined ? undefined : String(flags.tag);
    if (tag !== undefined && !IMAGE_TAG_PATTERN.test(tag)) {
        throw new OpsError(
            `--tag "${tag}" is not a Docker image tag (up to 128 letters, digits, _ . -, not starting with . or -)\nusage: ${USAGE}`,
            2,
        );
    }
    const maxReviews = positiveNumber(flags["max-reviews"], "--max-reviews", DEFAULT_MAX_REVIEWS);
    if (!Number.isInteger(maxReviews))
        throw new OpsError(`--max-reviews must be a whole number (got "${String(flags["max-reviews"])}")`, 2);
    return { sweep: false, pullRequest, tag, down: flags.down === true, maxReviews };
}

/** `npm run review`: prints the review's URL, or what was removed. */
export async function main(
    argv: string[],
    cancel: AbortSignal | Cancellation,
    deps: {
        stacks?: Stacks;
        ecr?: SendsCommands;
        store?: ReviewStore;
        log?: (line: string) => void;
        source?: StackSource;
        /** Where GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_TOKEN are read for --sweep. */
        env?: NodeJS.ProcessEnv;
        now?: Date;
    } = {},
): Promise<number> {
    const command = parseReviewCommand(argv);
    const github = command.sweep ? gitHubAccessFrom(deps.env ?? process.env) : undefined;
    const log = deps.log ?? console.log;
    const stacks = deps.stacks ?? (await Stacks.open());
    const { project } = readStackFile(stackNameOf("runtime", REVIEW_ENVIRONMENT), deps.source);
    const reviewDeps = {
        stacks,
        store: deps.store ?? reviewStoreFor(stacks.backendUrl, project),
        ecr: deps.ecr ?? new ECRClient({}),
        log,
        ...cancellationOf(cancel),
        source: deps.source,
    };
    if (command.sweep) {
        const swept = await sweep(
            { ttlDays: command.ttlDays, now: deps.now ?? new Date() },
            { ...reviewDeps, github: github! },
        );
        log(
            swept.length === 0
                ? "sweep: no review to remove"
                : `sweep: removed ${swept.map((review) => reviewStackName(review.pullRequest)).join(", ")}`,
        );
        return 0;
    }
    const stack = reviewStackName(command.pullRequest);
    if (command.down) {
        const removed = await reviewDown(command.pullRequest, reviewDeps);
        log(
            removed
                ? `${stack} destroyed and removed, with its backups`
                : `no review of pull request ${command.pullRequest}: nothing to remove`,
        );
        return 0;
    }
    const outcome = await reviewUp(command.pullRequest, command, reviewDeps);
    log(
        `${stack} is up, running ${SERVICE_NAMES.map((service) => `${service} ${outcome.tags[service]}`).join(", ")}: ${outcome.url}`,
    );
    log(describeReviewCost(await estimateReview(deps.source)));
    return 0;
}

if (require.main === module) runMain(main, { spec: REVIEW_SPEC, timeoutMinutes: timeoutFlag });
