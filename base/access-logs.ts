import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { accessLogsBucketPrefix, accessLogsObjectsArn, NameScope, physicalName } from "../shared/naming";
import { tagsFor } from "../shared/tags";

export const ACCESS_LOG_EXPIRY_DAYS = 30;

/**
 * Regions opened since Jakarta (ap-southeast-3, December 2021) deliver load balancer logs as the
 * service principal below; older regions as a regional ELB account, which aws.elb.getServiceAccount
 * returns (ELB user guide, "Enable access logs", bucket policy; provider docs of getServiceAccount).
 */
const SERVICE_PRINCIPAL_REGIONS = new Set([
    "ap-southeast-3",
    "ap-south-2",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-east-2",
    "ca-west-1",
    "eu-central-2",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "mx-central-1",
]);
export const LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

export type LogDeliveryPrincipal = { AWS: string } | { Service: string };

export async function logDeliveryPrincipal(region: string): Promise<LogDeliveryPrincipal> {
    if (SERVICE_PRINCIPAL_REGIONS.has(region)) return { Service: LOG_DELIVERY_SERVICE };
    return { AWS: (await aws.elb.getServiceAccount({ region })).arn };
}

/**
 * Delivery for the load balancer only, under the prefix runtime gives it (ELB test-writes there when
 * logging is turned on, and the load balancer fails to update if denied), and nothing over plain HTTP.
 */
export function accessLogsBucketPolicy(
    bucketArn: string,
    scope: NameScope,
    accountId: string,
    principal: LogDeliveryPrincipal,
) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LoadBalancerLogDelivery",
                Effect: "Allow",
                Principal: principal,
                Action: "s3:PutObject",
                Resource: accessLogsObjectsArn(bucketArn, scope, accountId),
            },
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * The bucket prod's load balancer writes its access logs to: closed to the public, encrypted with
 * SSE-S3 (the only encryption ALB log delivery supports), TLS-only, objects expire after 30 days.
 * A load balancer pointed at a bucket without the delivery policy fails to create.
 */
export class AccessLogsBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;

    constructor(
        name: string,
        args: { config: BaseConfig; accountId: string; principal: LogDeliveryPrincipal },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:base:AccessLogsBucket", name, {}, opts);
        const { config, accountId, principal } = args;
        const child = { parent: this };
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                bucketPrefix: accessLogsBucketPrefix(config),
                forceDestroy: false,
                tags: tagsFor(config, physicalName(config, "alb-logs")),
            },
            { parent: this, protect: config.protect },
        );
        new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            child,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-expiry`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: ACCESS_LOG_EXPIRY_DAYS },
                    },
                ],
            },
            child,
        );
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.id,
                policy: bucket.arn.apply((arn) =>
                    JSON.stringify(accessLogsBucketPolicy(arn, config, accountId, principal)),
                ),
            },
            child,
        );
        this.bucketName = bucket.bucket;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
