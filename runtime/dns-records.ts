import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/load";

export interface Hostnames {
    /** Where people open the application, `<env>.<domain>` by default. */
    readonly app: string;
    /** The same load balancer under an API name, `api-<env>.<domain>` by default. */
    readonly api: string;
}

export function hostnamesFor(config: RuntimeConfig, domain: string): Hostnames {
    return {
        app: config.appHostname ?? `${config.env}.${domain}`,
        api: config.apiHostname ?? `api-${config.env}.${domain}`,
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
        for (const [role, hostname] of Object.entries(args.hostnames)) {
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
