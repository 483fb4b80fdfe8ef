import { EnvironmentName } from "../shared/environments";

/**
 * Usage the program cannot know: traffic, log volume, image storage. Per environment, per month
 * of always-on running; usage-based charges scale with the hours runtime is actually up.
 */
export interface UsageAssumptions {
    /** GB through the NAT gateways (image pulls, outbound calls). */
    readonly natGbPerMonth: number;
    /** Average load balancer capacity units while up. */
    readonly averageLcu: number;
    readonly logGbIngestedPerMonth: number;
    /** GB of logs kept at any time (retention times ingestion, roughly). */
    readonly logGbStored: number;
    /** GB of images kept in each repository. */
    readonly imageGbPerRepository: number;
    /** Million DNS queries a month (only with a hosted zone). */
    readonly route53MillionQueries: number;
    /** GB kept in each S3 bucket a stack declares (access logs, for example). */
    readonly s3GbPerBucket: number;
    /**
     * Million requests to the HTTP API (front door http-api) in a month as the environment is used:
     * a monthly figure, not one that scales with runtime's hours (requests come only while it is up).
     */
    readonly apiMillionRequestsPerMonth: number;
    /**
     * Bytes each request adds to the HTTP API's access log: one line of runtime/http-api.ts's
     * ACCESS_LOG_FORMAT filled in is about 350 bytes; 400 leaves room for long paths.
     */
    readonly apiAccessLogBytesPerRequest: number;
}

export const USAGE_ASSUMPTIONS: Readonly<Record<EnvironmentName, UsageAssumptions>> = {
    dev: {
        natGbPerMonth: 5,
        averageLcu: 0.5,
        logGbIngestedPerMonth: 1,
        logGbStored: 0.25,
        imageGbPerRepository: 1,
        route53MillionQueries: 0.1,
        s3GbPerBucket: 1,
        apiMillionRequestsPerMonth: 0.5,
        apiAccessLogBytesPerRequest: 400,
    },
    staging: {
        natGbPerMonth: 10,
        averageLcu: 1,
        logGbIngestedPerMonth: 2,
        logGbStored: 1,
        imageGbPerRepository: 1,
        route53MillionQueries: 0.2,
        s3GbPerBucket: 1,
        apiMillionRequestsPerMonth: 2,
        apiAccessLogBytesPerRequest: 400,
    },
    prod: {
        natGbPerMonth: 100,
        averageLcu: 5,
        logGbIngestedPerMonth: 20,
        logGbStored: 20,
        imageGbPerRepository: 2,
        route53MillionQueries: 5,
        s3GbPerBucket: 10,
        apiMillionRequestsPerMonth: 50,
        apiAccessLogBytesPerRequest: 400,
    },
};
