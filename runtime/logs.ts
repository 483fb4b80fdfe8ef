import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/load";
import { logGroupName } from "../shared/naming";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { tagsFor } from "../shared/tags";

/**
 * One log group per service. Runtime is destroyed every night, but its logs must outlive it for
 * their retention period: each deploy creates a fresh group under the service's prefix, and a
 * destroy leaves the group in place (retainOnDelete) until CloudWatch expires its events.
 */
export function createLogGroups(config: RuntimeConfig, parent?: pulumi.Resource): Record<ServiceName, aws.cloudwatch.LogGroup> {
    const entries = SERVICE_NAMES.map((service) => {
        const group = new aws.cloudwatch.LogGroup(
            `logs-${service}`,
            {
                namePrefix: `${logGroupName(config, service)}-`,
                retentionInDays: config.logRetentionDays,
                tags: tagsFor(config, logGroupName(config, service)),
            },
            { parent, retainOnDelete: true },
        );
        return [service, group] as const;
    });
    return Object.fromEntries(entries) as Record<ServiceName, aws.cloudwatch.LogGroup>;
}
