import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { reviewHostnames } from "../shared/review";

export interface Hostnames {
    /** Where people open the application: the environment's zone name (dev.example.com) by default. */
    readonly app: string;
    /** `www.<app>`, as the old setup had; only where the certificate's wildcard covers it (app at the zone's apex). */
    readonly www?: string;
    /** The same load balancer under an API name, `api.<zone name>` by default. */
    readonly api: string;
}

/**
 * The hostnames in the environment's zone (base's contract `domain`); a review's are shared/review.ts's.
 */
export function hostnamesFor(config: RuntimeConfig, zoneName: string): Hostnames {
    if (config.review !== undefined) return reviewHostnames(config.review, zoneName);
    const app = config.appHostname ?? zoneName;
    return {
        app,
        ...(app === zoneName ? { www: `www.${zoneName}` } : {}),
        api: config.apiHostname ?? `api.${zoneName}`,
    };
}

/** Where an alias record points: the load balancer, or an HTTP API's custom domain. */
export interface AliasTarget {
    readonly name: pulumi.Input<string>;
    readonly zoneId: pulumi.Input<string>;
    /** Route 53 follows the load balancer's health; an API custom domain has none to follow. */
    readonly evaluateTargetHealth: boolean;
}

/** Alias A records from the hostnames to the front door; recreated with every restore. */
export class DnsRecords extends pulumi.ComponentResource {
    constructor(
        name: string,
        args: { zoneId: string; hostnames: Hostnames; targetOf: (role: keyof Hostnames) => AliasTarget },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:DnsRecords", name, {}, opts);
        for (const [role, hostname] of Object.entries(args.hostnames).filter(
            (entry): entry is [keyof Hostnames, string] => entry[1] !== undefined,
        )) {
            new aws.route53.Record(
                `${name}-${role}`,
                {
                    zoneId: args.zoneId,
                    name: hostname,
                    type: "A",
                    aliases: [args.targetOf(role)],
                },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}
