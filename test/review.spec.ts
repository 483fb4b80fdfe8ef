import { strict as assert } from "assert";
import { Evaluation } from "../offline/engine";
import { evaluateEnvironment, evaluateReview } from "../offline/evaluate";
import { withReviewConfig } from "../review/config-file";
import { stackConfig } from "../offline/evaluate";
import { loadConfig } from "../shared/config/load";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { SERVICE_NAMES } from "../shared/services";
import { parseStackName } from "../shared/stack-name";
import { ServiceTags } from "../release/ledger";
import { main as cost } from "../commands/cost";
import { estimate } from "../cost/estimate";
import { estimateReview } from "../cost/review";
import { containerDefinitions, nonEmpty, ofType, TYPES } from "./helpers";

/**
 * Every name a resource is known by in the account or in a namespace it shares with others: its
 * name, a task definition's family, an alarm's name, a custom domain, a log stream prefix in base's log groups.
 */
function accountNames(evaluation: Evaluation): string[] {
    // The StackReference to base-dev is the one thing a review shares by design: it reads base-dev.
    return evaluation.resources
        .filter((resource) => resource.type !== TYPES.stackReference)
        .flatMap((resource) => {
            const { name, family, alarmName } = resource.inputs;
            const domainName = resource.type === TYPES.apiDomainName ? resource.inputs.domainName : undefined;
            const names = [name, family, alarmName, domainName].filter(
                (name): name is string => typeof name === "string" && name !== "$default",
            );
            const streams =
                resource.type === TYPES.taskDefinition
                    ? containerDefinitions(resource).map(
                          (container) =>
                              `${container.logConfiguration.options["awslogs-group"]}:${container.logConfiguration.options["awslogs-stream-prefix"]}`,
                      )
                    : [];
            return [...names, ...streams].map((name) => `${resource.type} ${name}`);
        });
}

describe("review environments", () => {
    describe("stack names", () => {
        it("runtime-dev-pr-<N> is a review of runtime-dev for pull request N", () => {
            assert.deepEqual(parseStackName("runtime-dev-pr-42"), {
                stack: "runtime-dev-pr-42",
                layer: "runtime",
                env: "dev",
                review: 42,
            });
        });

        const usage = `stacks are named <layer>-<env> with layer base or runtime and env ${ENVIRONMENT_NAMES.join(", ")}; select one with "pulumi stack select base-dev"`;
        const reviewUsage = "; a pull request's review is runtime-dev-pr-<N>, N from 1 to 9999999";
        const refused: Array<[string, string]> = [
            ["runtime-dev-pr-0", `runtime-dev-pr-0: "0" is not a pull request number${reviewUsage}`],
            ["runtime-dev-pr-007", `runtime-dev-pr-007: "007" is not a pull request number${reviewUsage}`],
            [
                "runtime-dev-pr-12345678",
                `runtime-dev-pr-12345678: "12345678" is not a pull request number${reviewUsage}`,
            ],
            ["runtime-dev-pr-", `runtime-dev-pr-: "" is not a pull request number${reviewUsage}`],
            [
                "runtime-dev-pr-1-2",
                `runtime-dev-pr-1-2: "runtime-dev-pr-1-2" is not a valid stack name: ${usage}${reviewUsage}`,
            ],
            ["runtime-staging-pr-3", `runtime-staging-pr-3: only runtime-dev has reviews${reviewUsage}`],
            ["base-dev-pr-3", `base-dev-pr-3: only runtime-dev has reviews${reviewUsage}`],
        ];
        for (const [stack, message] of refused) {
            it(`refuses ${stack}`, () => assert.throws(() => parseStackName(stack), { message }));
        }
    });

    it("the program refuses a review deployed with a file npm run review did not write, naming what it sets and leaves out", () => {
        // Dev's file, which takes every review setting itself, set explicitly to the load balancer, NAT,
        // on demand and awake, with a hostname of its own.
        const raw = stackConfig("runtime-dev", {
            frontDoor: "alb",
            egress: "nat-single",
            spot: "false",
            wakeOnRequest: "false",
            appHostname: "app.example.com",
        });
        const fix = 'deploy it with "npm run review -- --pr 5"';
        assert.throws(
            () =>
                loadConfig(parseStackName("runtime-dev-pr-5"), raw, {
                    project: "durable-code",
                    organization: "organization",
                }),
            {
                message:
                    "runtime-dev-pr-5: 5 problems in the configuration:\n" +
                    `  - durable-code:frontDoor is alb, but a review runs with http-api (shared/review.ts); ${fix}, which sets it\n` +
                    `  - durable-code:egress is nat-single, but a review runs with public-ip (shared/review.ts); ${fix}, which sets it\n` +
                    `  - durable-code:spot is false, but a review runs with true (shared/review.ts); ${fix}, which sets it\n` +
                    `  - durable-code:wakeOnRequest is false, but a review runs with true (shared/review.ts); ${fix}, which sets it\n` +
                    `  - durable-code:appHostname is runtime-dev's own and not read in a review; ${fix}, which leaves it out`,
            },
        );
    });

    describe("beside dev's runtime", () => {
        const everyService = (tag: string) =>
            Object.fromEntries(SERVICE_NAMES.map((service) => [service, tag])) as ServiceTags;
        const withDomain = { frontDoor: "http-api", domain: "example.com", dnsDelegated: "true" };
        let dev: { base: Evaluation; runtime: Evaluation };
        let reviews: Evaluation[];
        before(async () => {
            dev = await evaluateEnvironment("dev", { base: withDomain, runtime: { frontDoor: "http-api" } });
            reviews = [
                await withReviewConfig(12, undefined, (dir) => evaluateReview(12, dev.base, dir)),
                await withReviewConfig(13, everyService("pr-13-abc"), (dir) => evaluateReview(13, dev.base, dir)),
            ];
        });

        it("share no name with dev's runtime or with each other: roles, cluster, services, Cloud Map services, API, alarms, log streams", () => {
            const stacks = [dev.runtime, ...reviews];
            const owners = new Map<string, string[]>();
            for (const evaluation of stacks) {
                for (const name of new Set(accountNames(evaluation))) {
                    owners.set(name, [...(owners.get(name) ?? []), evaluation.stack]);
                }
            }
            const shared = [...owners].filter(([, stacksOfName]) => stacksOfName.length > 1);
            assert.deepEqual(shared, []);
            for (const review of reviews) {
                const types = new Set(accountNames(review).map((name) => name.split(" ")[0]));
                for (const type of [
                    TYPES.role,
                    TYPES.cluster,
                    TYPES.service,
                    TYPES.taskDefinition,
                    TYPES.api,
                    TYPES.cloudMapService,
                    TYPES.metricAlarm,
                ])
                    assert.ok(types.has(type), `${review.stack} names no ${type}`);
            }
        });

        it("run in base-dev's log groups, VPC link and namespace", () => {
            for (const review of reviews) {
                const groups = nonEmpty(ofType(review, TYPES.taskDefinition)).flatMap((definition) =>
                    containerDefinitions(definition).map(
                        (container) => container.logConfiguration.options["awslogs-group"],
                    ),
                );
                assert.deepEqual(
                    groups,
                    SERVICE_NAMES.map((service) => `/ecs/durable-code-dev/${service}`),
                );
                for (const integration of nonEmpty(ofType(review, TYPES.apiIntegration)))
                    assert.equal(integration.inputs.connectionId, dev.base.outputs.vpcLinkId);
            }
        });

        it("tag every resource with the review, which dev's runtime never carries", () => {
            for (const [review, label] of [
                [reviews[0], "pr-12"],
                [reviews[1], "pr-13"],
            ] as const) {
                for (const resource of nonEmpty(review.resources.filter((resource) => resource.inputs.tags)))
                    assert.equal(resource.inputs.tags.Review, label, `${resource.type} ${resource.name}`);
            }
            for (const resource of nonEmpty(dev.runtime.resources.filter((resource) => resource.inputs.tags)))
                assert.equal(resource.inputs.tags.Review, undefined, `${resource.type} ${resource.name}`);
        });

        it("publish the review's URL: pr-<N> under dev's delegated zone, covered by its wildcard certificate", () => {
            assert.equal(reviews[0].outputs.url, "https://pr-12.dev.example.com");
            assert.equal(reviews[1].outputs.url, "https://pr-13.dev.example.com");
        });

        it("run dev's recorded release unless given tags, on Spot with public addresses and no NAT, asleep until a request", () => {
            const images = (review: Evaluation) =>
                ofType(review, TYPES.taskDefinition).map((definition) =>
                    containerDefinitions(definition)[0].image.split(":").pop(),
                );
            assert.deepEqual(images(reviews[0]), Object.values(everyService("v0.1.0")));
            assert.deepEqual(images(reviews[1]), Object.values(everyService("pr-13-abc")));
            for (const review of reviews) {
                assert.deepEqual(ofType(review, TYPES.natGateway), []);
                assert.equal(review.outputs.egress, "public-ip");
                for (const service of nonEmpty(ofType(review, TYPES.service))) {
                    assert.equal(service.inputs.desiredCount, 0, `${review.stack} ${service.name}`);
                    assert.deepEqual(
                        service.inputs.capacityProviderStrategies.map(
                            (item: { capacityProvider: string }) => item.capacityProvider,
                        ),
                        ["FARGATE_SPOT"],
                    );
                }
            }
        });
    });

    describe("cost", () => {
        it("an hour awake is what dev's runtime costs an hour in the same layout: the tasks on Spot and their addresses", async () => {
            const review = await estimateReview();
            const dev = await estimate("dev", { frontDoor: "http-api", egress: "public-ip" });
            assert.ok(review.perHourAwake > 0);
            assert.ok(
                Math.abs(review.perHourAwake - dev.runtimePerHour) < 1e-9,
                `${review.perHourAwake} ${dev.runtimePerHour}`,
            );
        });

        it("a day is the standing charges plus dev's awake hours, at most a day awake around the clock, and under $0.10 (the committed services' budget)", async () => {
            const review = await estimateReview();
            const standing = review.perDayAwakeAllDay - 24 * review.perHourAwake;
            assert.ok(standing > 0, "alarms, registrations and requests cost something standing");
            assert.ok(Math.abs(review.perDay - (standing + review.awakeHoursPerDay * review.perHourAwake)) < 1e-9);
            assert.ok(Math.abs(review.awakeHoursPerDay - (80 * 24) / 730) < 1e-9);
            assert.ok(
                review.perDay < 0.1,
                `$${review.perDay} a day: $0.10 is a budget of the committed services (shared/services.ts); change it here and in the docs if a new service's cost is meant`,
            );
        });

        it("npm run cost -- --review prints it on one line", async () => {
            const printed: string[] = [];
            assert.equal(await cost(["--review"], undefined, (text) => printed.push(text)), 0);
            assert.match(
                printed.join("\n"),
                /^a review costs \$0\.\d{4} an hour while awake and about \$0\.\d\d a day \(2\.6 hours awake a day, dev's usage assumption; \$0\.\d\d a day awake around the clock\), us-west-2 prices in cost\/prices\.ts$/,
            );
        });
    });
});
