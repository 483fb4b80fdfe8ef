import { CpuArchitecture, DiscoveryMode, EgressMode, FrontDoor } from "../environments";
import { ServiceName } from "../services";
import { StackName } from "../stack-name";
import { SecurityGroupRole } from "./keys";

/** What a validated stack config holds: `loadConfig` makes these, the layers read them. */
export interface CommonConfig {
    readonly stack: string;
    readonly env: StackName["env"];
    /** A pull request's review of runtime-dev: its number (names carry `pr-<N>`, every resource a Review tag). */
    readonly review?: number;
    readonly project: string;
    /** Pulumi organization; on a self-managed (S3) backend it is literally "organization". */
    readonly organization: string;
    readonly region: string;
    /** Tags added to every resource; never overrides the contract tags. */
    readonly extraTags: Readonly<Record<string, string>>;
    /** Protect stateful resources from deletion (default: on in prod). */
    readonly protect: boolean;
    /** The product's domain; a domain means a hosted zone per environment and a certificate. */
    readonly domain?: string;
    /** The environment's own zone: `<env>.<domain>`, or the domain itself where the zone is at the apex (prod). */
    readonly zoneName?: string;
    /** An existing hosted zone for `zoneName`, used instead of creating one. */
    readonly zoneId?: string;
    /**
     * What answers the internet. Base holds what an HTTP API needs at rest (the VPC link, the Cloud
     * Map namespace) when its own file says http-api; runtime declares the load balancer or the API.
     */
    readonly frontDoor: FrontDoor;
}

export interface BaseConfig extends CommonConfig {
    readonly layer: "base";
    readonly vpcCidr: string;
    readonly azCount: number;
    /** Explicit subnet CIDRs per tier, zone by zone, instead of the plan from `vpcCidr` (an adopted layout). */
    readonly subnetCidrs?: { readonly public: readonly string[]; readonly private: readonly string[] };
    /** Explicit repository names per service (an adopted layout). */
    readonly repositoryNames?: Readonly<Record<ServiceName, string>>;
    /** The certificate's names besides the zone name; `*.<zone name>` by default. */
    readonly certificateAlternativeNames: readonly string[];
    /** Explicit names and descriptions of the two security groups (an adopted layout). */
    readonly securityGroupNames?: Readonly<Record<SecurityGroupRole, string>>;
    readonly securityGroupDescriptions?: Readonly<Record<SecurityGroupRole, string>>;
    /** A zone base writes the NS delegation of `zoneName` into, so certificate validation can finish in the same up. */
    readonly parentZoneId?: string;
    /**
     * Whether `zoneName` answers on the internet (delegated by hand, by `parentZoneId`, or an
     * existing `zoneId`). Only then does base wait for certificate validation and publish the
     * certificate, so `pulumi up` never waits for a delegation nobody made.
     */
    readonly dnsDelegated: boolean;
    /** Retention of the services' log groups, which base keeps across the nightly teardown. */
    readonly logRetentionDays: number;
    /** Load balancer access logs: into `accessLogsBucket` when it names one, else a bucket base creates. */
    readonly accessLogs: boolean;
    readonly accessLogsBucket?: string;
    /** The account's GitHub OIDC provider; looked up when unset (bootstrap creates it, one per account). */
    readonly githubOidcProviderArn?: string;
    /** The application's repository, whose build may push this environment's images; off when unset. */
    readonly imagePublisherRepository?: string;
    /** Roles GitHub Actions of this repository may assume through OIDC (deploy and preview); off when unset. */
    readonly githubAccess?: {
        readonly repository: string;
        /** The Pulumi state bucket the roles read (preview) and write (deploy). */
        readonly stateBucket: string;
        /** The KMS key of the awskms:// secrets provider, when the stacks use one. */
        readonly secretsKeyArn?: string;
        /** Environments whose state this base's pull-request preview role reads (never prod); no preview role when empty. */
        readonly previewEnvironments: readonly string[];
    };
}

export interface RuntimeConfig extends CommonConfig {
    readonly layer: "runtime";
    readonly egress: EgressMode;
    /** The NAT instance's type in egress nat-instance; its AMI follows the type's architecture. */
    readonly natInstanceType: string;
    /**
     * Asleep at rest: every service at 0 tasks until a request reaches the HTTP API, back to 0 after
     * `idleMinutes` without one (runtime/wake.ts). Unset: the services run around `desiredCount`.
     */
    readonly wakeOnRequest?: { readonly idleMinutes: number };
    /** The release each service runs: its own override, else `imageTag`. */
    readonly imageTags: Readonly<Record<ServiceName, string>>;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly cpuArchitecture: CpuArchitecture;
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    readonly cpuTargetPercent: number;
    readonly spot: boolean;
    readonly containerInsights: boolean;
    readonly enableExec: boolean;
    /** `stack`: read base's outputs through a StackReference; `tags`: look everything up by tags and names. */
    readonly discovery: DiscoveryMode;
    /** Full name of the base stack, `<organization>/<project>/base-<env>` by default. */
    readonly baseStack: string;
    readonly appHostname?: string;
    readonly apiHostname?: string;
    /** An existing S3 bucket for load balancer access logs, instead of the one base publishes. */
    readonly accessLogsBucket?: string;
}

export type StackConfig = BaseConfig | RuntimeConfig;

export interface ProjectContext {
    readonly project: string;
    readonly organization: string;
}
