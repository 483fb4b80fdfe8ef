import { RuntimeConfig } from "./config/types";
import { ConfigKey } from "./config/keys";
import { ANY_REVIEW, REVIEW_ENVIRONMENT, reviewLabel, stackNameOf } from "./stack-name";

/**
 * A review: a runtime of its own for one pull request, beside dev's, reading base-dev. It is dev's
 * runtime declaration (Pulumi.runtime-dev.yaml, its sizes and release) with these keys set over it,
 * which `npm run review` writes into the config file it deploys the review with:
 * - the HTTP API front door, through base-dev's VPC link and Cloud Map namespace, charged by the
 *   request, where a load balancer would cost every review its hours;
 * - public task addresses, where a NAT gateway per review would bill by the hour;
 * - Fargate Spot;
 * - asleep at 0 tasks until a request comes, and again after idleMinutes without one (runtime/wake.ts):
 *   a review is looked at now and then, and costs its tasks only while it is.
 */
export const REVIEW_SETTINGS = {
    frontDoor: "http-api",
    egress: "public-ip",
    spot: true,
    wakeOnRequest: true,
} as const satisfies Partial<Record<ConfigKey, string | boolean>>;

/** Each setting as the validated config holds it. */
const SETTING_IN_CONFIG: Record<keyof typeof REVIEW_SETTINGS, (config: RuntimeConfig) => string | boolean> = {
    frontDoor: (config) => config.frontDoor,
    egress: (config) => config.egress,
    spot: (config) => config.spot,
    wakeOnRequest: (config) => config.wakeOnRequest !== undefined,
};

/**
 * A review's hostnames in dev's zone, `pr-<N>.<zone>` and `api-pr-<N>.<zone>`: one label under the zone,
 * so base's `*.<zone>` certificate covers them; with ANY_REVIEW, the patterns the review role may write.
 */
export function reviewHostnames(pullRequest: number | typeof ANY_REVIEW, zoneName: string) {
    const label = reviewLabel(pullRequest);
    return { app: `${label}.${zoneName}`, api: `api-${label}.${zoneName}` };
}

/** The GitHub environment review.yml's jobs declare: their token's sub is `repo:<owner>/<repo>:environment:review`. */
export const REVIEW_GITHUB_ENVIRONMENT = "review";

/**
 * Keys of dev's runtime file a review never takes: dev's own hostnames (a review's are `pr-<N>.<zone>`),
 * its load balancer's log bucket (a review has none).
 */
export const KEYS_REVIEWS_DROP: readonly ConfigKey[] = ["appHostname", "apiHostname", "accessLogsBucket"];

/** What the program refuses in a review's config: anything but the review's settings. The fix is the command, not a file. */
export function reviewProblems(config: RuntimeConfig): string[] {
    if (config.review === undefined) return [];
    const key = (configKey: ConfigKey) => `${config.project}:${configKey}`;
    const differing = (Object.keys(REVIEW_SETTINGS) as Array<keyof typeof REVIEW_SETTINGS>).filter(
        (setting) => SETTING_IN_CONFIG[setting](config) !== REVIEW_SETTINGS[setting],
    );
    const dropped = KEYS_REVIEWS_DROP.filter((dropKey) => config[dropKey as keyof RuntimeConfig] !== undefined);
    return [
        ...differing.map(
            (setting) =>
                `${key(setting)} is ${String(SETTING_IN_CONFIG[setting](config))}, but a review runs with ${REVIEW_SETTINGS[setting]} ` +
                `(shared/review.ts); deploy it with "npm run review -- --pr ${config.review}", which sets it`,
        ),
        ...dropped.map(
            (dropKey) =>
                `${key(dropKey)} is ${stackNameOf("runtime", REVIEW_ENVIRONMENT)}'s own and not read in a review; ` +
                `deploy it with "npm run review -- --pr ${config.review}", which leaves it out`,
        ),
    ];
}
