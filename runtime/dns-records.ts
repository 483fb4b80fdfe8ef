import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";

export interface Hostnames {
    /** Where people open the application: the environment's zone name (dev.example.com) by default. */
    readonly app: string;
    /** `www.<app>`, as the old setup had; only where the certificate's wildcard covers it (app at the zone's apex). */
    readonly www?: string;
    /** The same load balancer under an API name, `api.<zone name>` by default. */
    readonly api: string;
}

/** The hostnames in the environment's zone (base's contract `domain`). */
export function hostnamesFor(config: RuntimeConfig, zoneName: string): Hostnames {
    const app = config.appHostname ?? zoneName;
    return {
        app,
        ...(app === zoneName ? { www: `www.${zoneName}` } : {}),
        api: config.apiHostname ?? `api.${zoneName}`,
    };
}

/** Alias A records from the hostnames to the load balancer; recreated with every restore. */
export class DnsRecords extends pulumi.ComponentResource {
    constructor(
        name: string,
        args: { zoneId: string; hostnames: Hostnames; loadBalancer: aws.lb.LoadBalancer },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:DnsRecords", name, {}, opts);
        for (const [role, hostname] of Object.entries(args.hostnames).filter((entry): entry is [string, string] => entry[1] !== undefined)) {
            new aws.route53.Record(
                `${name}-${role}`,
                {
                    zoneId: args.zoneId,
                    name: hostname,
                    type: "A",
                    aliases: [{ name: args.loadBalancer.dnsName, zoneId: args.loadBalancer.zoneId, evaluateTargetHealth: true }],
                },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}
