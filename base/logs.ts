import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { apiAccessLogGroupName, logGroupName } from "../shared/naming";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { tagsFor } from "../shared/tags";
import { BASE_COMPONENTS, serviceLogName } from "./names";

/**
 * One log group per service, with a fixed name (`/ecs/<project>-<env>/<service>`). A log group
 * costs nothing by the hour, so it lives in base: the nightly destroy of runtime leaves it, the
 * morning restore writes to the same group, and `aws logs tail` or a saved query keeps working.
 */
export class ServiceLogs extends pulumi.ComponentResource {
    readonly groups: Record<ServiceName, aws.cloudwatch.LogGroup>;

    constructor(name: string, args: { config: BaseConfig }, opts: pulumi.ComponentResourceOptions = {}) {
        super(BASE_COMPONENTS.logs.type, name, {}, opts);
        const { config } = args;
        const entries = SERVICE_NAMES.map((service) => {
            const group = new aws.cloudwatch.LogGroup(
                serviceLogName(name, service),
                {
                    name: logGroupName(config, service),
                    retentionInDays: config.logRetentionDays,
                    tags: tagsFor(config, logGroupName(config, service)),
                },
                { parent: this },
            );
            return [service, group] as const;
        });
        this.groups = Object.fromEntries(entries) as Record<ServiceName, aws.cloudwatch.LogGroup>;
        this.registerOutputs({});
    }
}

/**
 * Front door http-api: the log group the HTTP API's stage writes one line per request to (runtime sets
 * the format). The load balancer's access log goes to S3; without it nothing else records requests.
 * Base keeps it, with the environment's retention, so the nightly destroy loses no request.
 */
export class ApiAccessLog extends pulumi.ComponentResource {
    readonly group: aws.cloudwatch.LogGroup;

    constructor(name: string, args: { config: BaseConfig }, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:base:ApiAccessLog", name, {}, opts);
        const { config } = args;
        this.group = new aws.cloudwatch.LogGroup(
            `${name}-group`,
            {
                name: apiAccessLogGroupName(config),
                retentionInDays: config.logRetentionDays,
                tags: tagsFor(config, apiAccessLogGroupName(config)),
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
