import { strict as assert } from "assert";
import { main as cost } from "../commands/cost";
import { main as check } from "../commands/check";
import { evaluateEnvironment, EnvironmentEvaluation } from "../offline/evaluate";
import { DeclaredResource, Evaluation } from "../offline/engine";
import { failureOf, nonEmpty, ofType, single, TYPES } from "./helpers";
import { priceEvaluation } from "../cost/estimate";
import { renderText } from "../cost/render";
import { ENVIRONMENTS } from "../shared/environments";
import { SERVICE_NAMES } from "../shared/services";

const ALARM = TYPES.metricAlarm;
const API = "aws:apigatewayv2/api:Api";
const WAKE = { frontDoor: "http-api", egress: "public-ip", wakeOnRequest: "true" };
const HTTP_API_BASE = { frontDoor: "http-api" };

/** The scalable target a policy acts on, by the target's resource id, service namespace and dimension. */
function targetOf(runtime: Evaluation, policy: DeclaredResource): DeclaredResource {
    const matches = ofType(runtime, TYPES.scalingTarget).filter((target) =>
        (["resourceId", "serviceNamespace", "scalableDimension"] as const).every(
            (field) => target.inputs[field] === policy.inputs[field],
        ),
    );
    assert.equal(matches.length, 1, `one scalable target for ${policy.name}`);
    return matches[0];
}

/** The ECS service a scalable target scales: its resource id is service/<cluster>/<service name>. */
function serviceNameOf(target: DeclaredResource): string {
    return String(target.inputs.resourceId).split("/")[2];
}

/** Each service's name, with the exact capacity the alarm's policies set it to. */
function capacitiesSetBy(runtime: Evaluation, alarm: DeclaredResource): [string, number][] {
    return alarm.inputs.alarmActions.map((arn: string) => {
        const policy = ofType(runtime, TYPES.scalingPolicy).find((candidate) => candidate.state.arn === arn);
        assert.ok(policy, `the alarm's action ${arn} is a scaling policy of the stack`);
        const { adjustmentType, stepAdjustments } = policy.inputs.stepScalingPolicyConfiguration;
        assert.equal(policy.inputs.policyType, "StepScaling");
        assert.equal(adjustmentType, "ExactCapacity");
        assert.equal(stepAdjustments.length, 1, "one step: the capacity never depends on how many requests came");
        return [serviceNameOf(targetOf(runtime, policy)), stepAdjustments[0].scalingAdjustment];
    });
}

describe("wakeOnRequest: dev asleep until someone opens it", () => {
    const envs: Record<string, EnvironmentEvaluation> = {};
    before(async () => {
        // Dev as its stack files are committed: they set wakeOnRequest (docs/front-doors.md).
        envs.wake = await evaluateEnvironment("dev");
        envs.idle45 = await evaluateEnvironment("dev", {
            base: HTTP_API_BASE,
            runtime: { ...WAKE, idleMinutes: "45", desiredCount: "2" },
        });
    });
    const runtime = () => envs.wake.runtime;
    const alarm = (evaluation: Evaluation, name: string) =>
        nonEmpty(ofType(evaluation, ALARM).filter((candidate) => candidate.inputs.name === name))[0];
    /** One row per declared service (shared/services.ts): its ECS service's name and the values given. */
    const everyService = (...values: unknown[]) =>
        SERVICE_NAMES.map((service) => [`durable-code-dev-${service}`, ...values]);
    const serviceNames = (evaluation: Evaluation) =>
        ofType(evaluation, TYPES.service).map((service) => service.inputs.name);

    it("deploys every service asleep (0 tasks), each able to scale from 0 to desiredCount and back, with no CPU policy to undo either", () => {
        assert.deepEqual(
            ofType(runtime(), TYPES.service).map((service) => [service.inputs.name, service.inputs.desiredCount]),
            everyService(0),
        );
        assert.deepEqual(
            ofType(envs.idle45.runtime, TYPES.scalingTarget).map((target) => [
                serviceNameOf(target),
                target.inputs.minCapacity,
                target.inputs.maxCapacity,
            ]),
            everyService(0, 2),
        );
        assert.deepEqual(
            ofType(runtime(), TYPES.scalingPolicy).filter((policy) => policy.inputs.policyType !== "StepScaling"),
            [],
        );
    });

    it("wakes every service to desiredCount when a minute holds a request to the HTTP API; no data is no request", () => {
        const wake = alarm(runtime(), "durable-code-dev-wake");
        const api = single(runtime(), API);
        assert.deepEqual(
            [wake.inputs.namespace, wake.inputs.metricName, wake.inputs.dimensions, wake.inputs.statistic],
            // ApiId alone: the dimension set the HTTP API metrics page documents for a whole API.
            ["AWS/ApiGateway", "Count", { ApiId: api.id }, "Sum"],
        );
        assert.deepEqual(
            [
                wake.inputs.period,
                wake.inputs.evaluationPeriods,
                wake.inputs.datapointsToAlarm,
                wake.inputs.comparisonOperator,
                wake.inputs.threshold,
                wake.inputs.treatMissingData,
            ],
            [60, 3, 1, "GreaterThanOrEqualToThreshold", 1, "notBreaching"],
        );
        assert.deepEqual(capacitiesSetBy(runtime(), wake), everyService(1));
        assert.deepEqual(
            capacitiesSetBy(envs.idle45.runtime, alarm(envs.idle45.runtime, "durable-code-dev-wake")).map(
                ([, tasks]) => tasks,
            ),
            SERVICE_NAMES.map(() => 2),
        );
        // From the threshold upwards: any count of one or more wakes (StepAdjustment's bounds are relative to it).
        for (const arn of wake.inputs.alarmActions) {
            const policy = ofType(runtime(), TYPES.scalingPolicy).find((candidate) => candidate.state.arn === arn)!;
            const [step] = policy.inputs.stepScalingPolicyConfiguration.stepAdjustments;
            assert.deepEqual([step.metricIntervalLowerBound, step.metricIntervalUpperBound], ["0", undefined]);
        }
    });

    it("keeps re-waking for three minutes after a request, outlasting a last sleep action sent before the sleep alarm saw it", async () => {
        // CloudWatch repeats an Auto Scaling action every minute its alarm stays in ALARM ("Alarm
        // actions"); the sleep alarm may still be in ALARM, and send 0, in the minute the wake alarm
        // first sends desiredCount. One request in three one-minute periods keeps the wake alarm in
        // ALARM for three evaluations, and the sleep alarm, whose window (at least the smallest
        // idleMinutes allowed) holds that datapoint as long, is OK on each of them after the first.
        const shortest = await evaluateEnvironment("dev", {
            base: HTTP_API_BASE,
            runtime: { ...WAKE, idleMinutes: "5" },
        });
        const wake = alarm(shortest.runtime, "durable-code-dev-wake");
        const sleep = alarm(shortest.runtime, "durable-code-dev-sleep");
        assert.deepEqual([wake.inputs.evaluationPeriods, wake.inputs.datapointsToAlarm], [3, 1]);
        assert.ok(
            sleep.inputs.evaluationPeriods >= wake.inputs.evaluationPeriods,
            `the sleep alarm's ${sleep.inputs.evaluationPeriods} periods hold every datapoint the wake alarm's ${wake.inputs.evaluationPeriods} do`,
        );
        // A repeat in a quiet minute: the step is chosen from the window's busiest minute.
        for (const arn of wake.inputs.alarmActions) {
            const policy = ofType(shortest.runtime, TYPES.scalingPolicy).find(
                (candidate) => candidate.state.arn === arn,
            )!;
            assert.equal(policy.inputs.stepScalingPolicyConfiguration.metricAggregationType, "Maximum");
        }
    });

    it("puts every service to sleep after idleMinutes one-minute periods without a request, a quiet minute counting as 0 requests so the step policy always has a value", () => {
        const sleepOf = (evaluation: Evaluation) => alarm(evaluation, "durable-code-dev-sleep");
        const sleep = sleepOf(runtime());
        // Every datapoint missing leaves a step policy no value to pick its step by ("No step
        // adjustment found for metric value []", mapbox/ecs-watchbot#187): the alarm watches the
        // count with its quiet minutes filled with 0 (FILL, CloudWatch user guide "Using metric math").
        assert.deepEqual(
            [sleep.inputs.namespace, sleep.inputs.metricName, sleep.inputs.statistic, sleep.inputs.period],
            [undefined, undefined, undefined, undefined],
            "a metric-math alarm names its metric only in metricQueries",
        );
        assert.deepEqual(sleep.inputs.metricQueries, [
            {
                id: "requests",
                metric: {
                    namespace: "AWS/ApiGateway",
                    metricName: "Count",
                    dimensions: { ApiId: single(runtime(), API).id },
                    stat: "Sum",
                    period: 60,
                },
                returnData: false,
            },
            { id: "requestsOrZero", expression: "FILL(requests, 0)", label: "requests", returnData: true },
        ]);
        // Should FILL yield nothing after all, missing data is idle rather than INSUFFICIENT_DATA for ever.
        assert.deepEqual(
            [sleep.inputs.comparisonOperator, sleep.inputs.threshold, sleep.inputs.treatMissingData],
            ["LessThanThreshold", 1, "breaching"],
        );
        assert.deepEqual(
            [runtime(), envs.idle45.runtime].map((evaluation) => [
                sleepOf(evaluation).inputs.evaluationPeriods,
                sleepOf(evaluation).inputs.datapointsToAlarm,
            ]),
            [
                [30, 30],
                [45, 45],
            ],
        );
        assert.deepEqual(capacitiesSetBy(runtime(), sleep), everyService(0));
        for (const arn of sleep.inputs.alarmActions) {
            const policy = ofType(runtime(), TYPES.scalingPolicy).find((candidate) => candidate.state.arn === arn)!;
            const [step] = policy.inputs.stepScalingPolicyConfiguration.stepAdjustments;
            assert.deepEqual([step.metricIntervalLowerBound, step.metricIntervalUpperBound], [undefined, "0"]);
        }
    });

    it("reaches every service the stack declares, each through its own scalable target", () => {
        for (const name of ["durable-code-dev-wake", "durable-code-dev-sleep"]) {
            const reached = capacitiesSetBy(runtime(), alarm(runtime(), name)).map(([service]) => service);
            assert.deepEqual(reached, serviceNames(runtime()), name);
        }
    });

    it("runs nothing by the hour while asleep: no NAT gateway, Elastic IP or instance; tasks take public addresses while they run", () => {
        const hourly = runtime().resources.filter((resource) =>
            [TYPES.natGateway, TYPES.eip, "aws:ec2/instance:Instance", TYPES.loadBalancer].includes(
                resource.type as never,
            ),
        );
        assert.deepEqual(hourly, []);
        for (const service of nonEmpty(ofType(runtime(), TYPES.service)))
            assert.equal(service.inputs.networkConfiguration.assignPublicIp, true);
    });

    it("leaves an environment without wakeOnRequest as it was: running desiredCount, scaled on CPU, no alarm", async () => {
        const awake = await evaluateEnvironment("dev", {
            base: HTTP_API_BASE,
            runtime: { frontDoor: "http-api", egress: "public-ip", wakeOnRequest: "" },
        });
        assert.deepEqual(ofType(awake.runtime, ALARM), []);
        assert.deepEqual(
            ofType(awake.runtime, TYPES.service).map((service) => service.inputs.desiredCount),
            SERVICE_NAMES.map(() => 1),
        );
        assert.deepEqual(
            ofType(awake.runtime, TYPES.scalingPolicy).map((policy) => policy.inputs.policyType),
            SERVICE_NAMES.map(() => "TargetTrackingScaling"),
        );
    });

    it("is refused with the load balancer, and in a production-like environment, before anything is declared", async () => {
        const withLoadBalancer = await failureOf(evaluateEnvironment("dev", { runtime: { frontDoor: "alb" } }));
        assert.match(
            withLoadBalancer.message,
            /^runtime-dev: durable-code:wakeOnRequest needs durable-code:frontDoor http-api \(frontDoor is alb\)/,
        );
        const inProd = await failureOf(evaluateEnvironment("prod", { runtime: { wakeOnRequest: "true" } }));
        assert.match(
            inProd.message,
            /^runtime-prod: durable-code:wakeOnRequest is not allowed in prod, a production-like environment/,
        );
    });
});

/**
 * $3 a month is the product's budget for dev asleep at rest, met by the committed services (frontend
 * and backend, shared/services.ts) on purpose: a new service that breaks it means deciding on a new
 * budget (here and in docs/cost.md), not a bug in the price.
 */
const DEV_ASLEEP_BUDGET =
    "a budget for the committed services: with another service, change it here and in docs/cost.md if the new cost is meant";

describe("wakeOnRequest: priced by hours of use", () => {
    it("prices dev asleep at rest by the hours it is awake, shown in the output, at $3 a month or less (the committed services' budget)", async () => {
        const evaluation = await evaluateEnvironment("dev");
        const summary = priceEvaluation("public-ip", "dev", evaluation);
        assert.equal(summary.wakeOnRequest, true);
        assert.equal(summary.upHoursPerMonth, ENVIRONMENTS.dev.usage.awakeHoursPerMonth);
        assert.ok(
            summary.totalMonthly <= 3,
            `dev asleep at rest costs $${summary.totalMonthly.toFixed(2)} a month; $3 is ${DEV_ASLEEP_BUDGET}`,
        );
        const text = renderText(summary);
        assert.match(text, /runtime, per month awake 80 h \(hours of use assumed\), asleep the rest +\$\d+\.\d\d/);
        assert.match(text, /awake 80 hours a month \(wakeOnRequest\)/);
    });

    it("prices each service's tasks at the count it wakes to, and the two alarms for the whole month", async () => {
        const evaluation = await evaluateEnvironment("dev");
        const { items } = priceEvaluation("public-ip", "dev", evaluation).runtime;
        const line = (what: RegExp) => items.filter((item) => what.test(item.what));
        assert.deepEqual(
            line(/^public IPv4, one per task$/).map((item) => [item.resource, item.quantity, item.whileUp]),
            SERVICE_NAMES.map((service) => [`${service}-service`, 730, true]),
        );
        assert.deepEqual(
            // One alarm metric each: the sleep alarm's FILL expression reads the one Count metric.
            line(/^alarm$/)
                .map((item) => [item.resource, item.monthly, item.whileUp])
                .sort(),
            [
                ["wake-sleep", 0.1, false],
                ["wake-wake", 0.1, false],
            ],
        );
    });
});

describe("wakeOnRequest: npm run cost", () => {
    const run = async (argv: string[], source = {}) => {
        const printed: string[] = [];
        const code = await cost(argv, undefined, (text) => printed.push(text), source);
        return { code, text: printed.join("\n") };
    };
    const monthly = (text: string) => Number(/^total per month +\$(\d+\.\d\d)$/m.exec(text)?.[1]);

    it("--wake-on-request prices dev asleep at rest, says it is a what-if, shows the hours of use and $3 a month or less (the committed services' budget)", async () => {
        const { code, text } = await run(["--env", "dev", "--wake-on-request"]);
        assert.equal(code, 0);
        assert.match(text, /^dev \(public-ip; what-if --wake-on-request\), us-west-2$/m);
        assert.match(text, /awake 80 h \(hours of use assumed\)/);
        assert.ok(monthly(text) <= 3, `$3 is ${DEV_ASLEEP_BUDGET}\n${text}`);
    });

    it("prices dev's committed files asleep at rest: the assumed hours of use, $3 a month or less (the committed services' budget), as --wake-on-request does; check says so, and --compare prices the other layouts awake", async () => {
        const committed = await run(["--env", "dev"]);
        assert.equal(committed.code, 0);
        assert.match(committed.text, /^dev \(public-ip\), us-west-2$/m);
        assert.match(committed.text, /awake 80 h \(hours of use assumed\)/);
        assert.ok(monthly(committed.text) <= 3, `$3 is ${DEV_ASLEEP_BUDGET}\n${committed.text}`);
        assert.equal(monthly(committed.text), monthly((await run(["--env", "dev", "--wake-on-request"])).text));
        const checked: string[] = [];
        assert.equal(await check(["--stack", "runtime-dev"], undefined, (text) => checked.push(text)), 0);
        assert.match(
            checked.join("\n"),
            /1 per service awake, 0 asleep \(wakeOnRequest, asleep after 30 idle minutes\)[\s\S]*a month awake \(80 h up, hours of use assumed\)/,
        );
        const compared = await run(["--env", "dev", "--compare", "--json"]);
        assert.equal(compared.code, 0);
        const asleep = JSON.parse(compared.text)
            .filter((summary: { wakeOnRequest: boolean }) => summary.wakeOnRequest)
            .map((summary: { frontDoor: string; egress: string }) => `${summary.frontDoor} ${summary.egress}`);
        assert.deepEqual(asleep, ["http-api public-ip"]);
    });

    it("refuses --wake-on-request in a production-like environment, and with --egress", async () => {
        await assert.rejects(run(["--env", "prod", "--wake-on-request"]), {
            message:
                "--wake-on-request is not allowed in prod, a production-like environment: durable-code:wakeOnRequest is refused there",
        });
        await assert.rejects(run(["--env", "dev", "--wake-on-request", "--egress", "nat-single"]), { exitCode: 2 });
    });
});
