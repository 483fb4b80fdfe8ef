import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { physicalName } from "../shared/naming";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { tagsFor } from "../shared/tags";

/**
 * API Gateway publishes an HTTP API's metrics to CloudWatch once a minute, under AWS/ApiGateway;
 * `Count` is the number of requests in the period (developer guide, "Monitor CloudWatch metrics for
 * HTTP APIs"). The alarms filter by `ApiId` alone, a dimension set that page documents for the whole
 * API: no page shows how the `$default` stage is spelt in the `Stage` dimension, and an alarm on a
 * dimension set that is never published stays OK for ever. With `$default` the only stage, the API's
 * count is the stage's.
 */
const REQUEST_METRIC = { namespace: "AWS/ApiGateway", metricName: "Count" } as const;
const PERIOD_SECONDS = 60;
/** The wake alarm's window, in periods: one request keeps it in ALARM, re-waking, this many minutes. */
const WAKE_MINUTES = 3;

/** What a scaling policy acts on: one service's scalable target. */
export interface ScalableTarget {
    readonly resourceId: pulumi.Input<string>;
    readonly serviceNamespace: pulumi.Input<string>;
    readonly scalableDimension: pulumi.Input<string>;
}

/**
 * wakeOnRequest: the services sleep at 0 tasks and a request wakes them, with CloudWatch alarms on
 * the API's request count driving Application Auto Scaling step policies (the alarm invokes a step
 * policy by its ARN: Application Auto Scaling user guide, "Step scaling policies"). Nothing here
 * bills while asleep but the two alarms; no function, no role of its own.
 *
 * - Wake: a minute with at least one request sets every service to exactly `desiredCount`. No data
 *   is no request (notBreaching). CloudWatch repeats an Auto Scaling action every minute its alarm
 *   stays in ALARM (CloudWatch user guide, "Alarm actions": only Auto Scaling actions recur), which is
 *   harmless with an exact capacity. The alarm looks back WAKE_MINUTES minutes for one request, so it
 *   stays in ALARM, and re-wakes, that many minutes after it: the sleep alarm, which left ALARM on the
 *   first evaluation that saw the same datapoint, may have sent one last 0 meanwhile, and is then OK.
 * - Sleep: `idleMinutes` one-minute periods without a request set every service to 0. API Gateway
 *   publishes no datapoint for a minute without requests, and a step policy picks its step from the
 *   alarm's datapoints: with every one missing there is no value to pick by, and Application Auto
 *   Scaling refuses the action ("No step adjustment found for metric value []", as reported in
 *   mapbox/ecs-watchbot#187), so the services would never sleep. The alarm therefore watches
 *   FILL(requests, 0), a quiet minute as a 0 (metric math, CloudWatch user guide "Using metric math";
 *   AWS's SDK team recommends FILL for a vended metric with no datapoints, aws/aws-sdk-js-v3#6873).
 *   Metric-math alarms driving step policies are common practice (EC2 Auto Scaling:
 *   CMSgov/beneficiary-fhir-data#1943; the CDK sends math expressions to Application Auto Scaling's
 *   step scaling, aws/aws-cdk#20659) though no AWS page says so for Application Auto Scaling, which
 *   the first real run confirms. Should FILL still yield nothing, missing data counts as breaching
 *   (idle), as before, rather than INSUFFICIENT_DATA for ever.
 *
 * One alarm per direction carries every service's policy (an alarm takes up to five actions).
 */
export class WakeOnRequest extends pulumi.ComponentResource {
    readonly wakeAlarm: aws.cloudwatch.MetricAlarm;
    readonly sleepAlarm: aws.cloudwatch.MetricAlarm;

    constructor(
        name: string,
        args: {
            config: RuntimeConfig & { wakeOnRequest: { idleMinutes: number } };
            apiId: pulumi.Input<string>;
            targets: Record<ServiceName, ScalableTarget>;
        },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:WakeOnRequest", name, {}, opts);
        const { config, apiId, targets } = args;
        const child = { parent: this };
        const { idleMinutes } = config.wakeOnRequest;

        // Step bounds are relative to the alarm's threshold: from it upwards for the wake alarm,
        // everything below it for the sleep alarm (Application Auto Scaling API reference, StepAdjustment).
        // One step each, so the capacity never depends on how many requests came.
        const policy = (service: ServiceName, direction: "wake" | "sleep") =>
            new aws.appautoscaling.Policy(
                `${name}-${service}-${direction}`,
                {
                    name: physicalName(config, `${service}-${direction}`),
                    policyType: "StepScaling",
                    resourceId: targets[service].resourceId,
                    serviceNamespace: targets[service].serviceNamespace,
                    scalableDimension: targets[service].scalableDimension,
                    stepScalingPolicyConfiguration: {
                        adjustmentType: "ExactCapacity",
                        cooldown: PERIOD_SECONDS,
                        // The policy picks its step from the alarm's latest datapoints, aggregated by
                        // this ("How step scaling for Application Auto Scaling works"); a repeat in a
                        // quiet minute still finds the request minute in the wake alarm's window.
                        metricAggregationType: "Maximum",
                        stepAdjustments: [
                            direction === "wake"
                                ? { metricIntervalLowerBound: "0", scalingAdjustment: config.desiredCount }
                                : { metricIntervalUpperBound: "0", scalingAdjustment: 0 },
                        ],
                    },
                },
                child,
            );
        const wakePolicies = SERVICE_NAMES.map((service) => policy(service, "wake"));
        const sleepPolicies = SERVICE_NAMES.map((service) => policy(service, "sleep"));

        const requests = {
            namespace: REQUEST_METRIC.namespace,
            metricName: REQUEST_METRIC.metricName,
            dimensions: { ApiId: apiId },
        };
        this.wakeAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-wake`,
            {
                ...requests,
                statistic: "Sum",
                period: PERIOD_SECONDS,
                threshold: 1,
                name: physicalName(config, "wake"),
                alarmDescription: `A request reached ${config.stack}'s HTTP API: every service to ${config.desiredCount} task(s)`,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                evaluationPeriods: WAKE_MINUTES,
                datapointsToAlarm: 1,
                treatMissingData: "notBreaching",
                alarmActions: wakePolicies.map((wake) => wake.arn),
                tags: tagsFor(config, physicalName(config, "wake")),
            },
            child,
        );
        this.sleepAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-sleep`,
            {
                metricQueries: [
                    {
                        id: "requests",
                        metric: { ...requests, stat: "Sum", period: PERIOD_SECONDS },
                        returnData: false,
                    },
                    { id: "requestsOrZero", expression: "FILL(requests, 0)", label: "requests", returnData: true },
                ],
                threshold: 1,
                name: physicalName(config, "sleep"),
                alarmDescription: `No request reached ${config.stack}'s HTTP API for ${idleMinutes} minutes: every service to 0 tasks`,
                comparisonOperator: "LessThanThreshold",
                evaluationPeriods: idleMinutes,
                datapointsToAlarm: idleMinutes,
                treatMissingData: "breaching",
                alarmActions: sleepPolicies.map((sleep) => sleep.arn),
                tags: tagsFor(config, physicalName(config, "sleep")),
            },
            child,
        );
        this.registerOutputs({ wakeAlarm: this.wakeAlarm.name, sleepAlarm: this.sleepAlarm.name });
    }
}
