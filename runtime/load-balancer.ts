import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { BaseContract } from "../shared/contract";
import { accessLogsPrefix, physicalName } from "../shared/naming";
import { HTTP_PORT, HTTPS_PORT, SERVICE_NAMES, ServiceName, SERVICES } from "../shared/services";
import { tagsFor } from "../shared/tags";
import { DEFAULT_SERVICE, routingRules, TLS_POLICY } from "./routing";

/**
 * Internet-facing application load balancer in base's public subnets. With a certificate, HTTPS
 * serves and HTTP redirects to it; without one, HTTP serves. Rules from routing.ts send the back
 * end's paths to the back end, everything else goes to the front end.
 */
export class LoadBalancer extends pulumi.ComponentResource {
    readonly loadBalancer: aws.lb.LoadBalancer;
    readonly targetGroups: Record<ServiceName, aws.lb.TargetGroup>;
    /** Listeners and rules; services wait for them so targets register into a routed group. */
    readonly routing: pulumi.Resource[];
    readonly https: boolean;

    constructor(
        name: string,
        args: { config: RuntimeConfig; base: BaseContract },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:LoadBalancer", name, {}, opts);
        const { config, base } = args;
        const child = { parent: this };
        this.https = base.certificateArn !== "";
        const accessLogsBucket = config.accessLogsBucket ?? base.accessLogsBucket;

        this.loadBalancer = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                name: physicalName(config),
                loadBalancerType: "application",
                internal: false,
                subnets: [...base.publicSubnetIds],
                securityGroups: [base.loadBalancerSecurityGroupId],
                enableHttp2: true,
                dropInvalidHeaderFields: true,
                enableDeletionProtection: config.protect,
                accessLogs: accessLogsBucket
                    ? { bucket: accessLogsBucket, prefix: accessLogsPrefix(config), enabled: true }
                    : undefined,
                tags: tagsFor(config, physicalName(config)),
            },
            // Protected, `pulumi destroy -s runtime-prod` refuses before deleting anything; deletion
            // protection alone fails only after DNS, services and listeners are already gone.
            { parent: this, protect: config.protect },
        );

        this.targetGroups = Object.fromEntries(
            SERVICE_NAMES.map((service) => {
                const { port, healthPath, shortName } = SERVICES[service];
                const group = new aws.lb.TargetGroup(
                    `${name}-${service}`,
                    {
                        // A fixed name would make a replacement (new port, VPC or target type) delete the
                        // group first, which fails while a listener uses it; a prefix lets Pulumi create
                        // the new group, move the listener rules, then delete the old one.
                        namePrefix: `${shortName}-`,
                        port,
                        protocol: "HTTP",
                        targetType: "ip",
                        vpcId: base.vpcId,
                        deregistrationDelay: 30,
                        healthCheck: {
                            path: healthPath,
                            matcher: "200-299",
                            interval: 30,
                            timeout: 5,
                            healthyThreshold: 2,
                            unhealthyThreshold: 3,
                        },
                        tags: tagsFor(config, physicalName(config, service)),
                    },
                    child,
                );
                return [service, group];
            }),
        ) as Record<ServiceName, aws.lb.TargetGroup>;

        const forwardTo = (service: ServiceName) => [
            { type: "forward", targetGroupArn: this.targetGroups[service].arn },
        ];
        const http = new aws.lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: this.loadBalancer.arn,
                port: HTTP_PORT,
                protocol: "HTTP",
                defaultActions: this.https
                    ? [
                          {
                              type: "redirect",
                              redirect: { protocol: "HTTPS", port: String(HTTPS_PORT), statusCode: "HTTP_301" },
                          },
                      ]
                    : forwardTo(DEFAULT_SERVICE),
                tags: tagsFor(config, physicalName(config, "http")),
            },
            child,
        );
        const serving = this.https
            ? new aws.lb.Listener(
                  `${name}-https`,
                  {
                      loadBalancerArn: this.loadBalancer.arn,
                      port: HTTPS_PORT,
                      protocol: "HTTPS",
                      sslPolicy: TLS_POLICY,
                      certificateArn: base.certificateArn,
                      defaultActions: forwardTo(DEFAULT_SERVICE),
                      tags: tagsFor(config, physicalName(config, "https")),
                  },
                  child,
              )
            : http;

        const rules = routingRules().map(
            (rule) =>
                new aws.lb.ListenerRule(
                    `${name}-${rule.service}`,
                    {
                        listenerArn: serving.arn,
                        priority: rule.priority,
                        conditions: [{ pathPattern: { values: [...rule.pathPatterns] } }],
                        actions: forwardTo(rule.service),
                        tags: tagsFor(config, physicalName(config, `to-${rule.service}`)),
                    },
                    child,
                ),
        );
        this.routing = serving === http ? [http, ...rules] : [http, serving, ...rules];
        this.registerOutputs({ dnsName: this.loadBalancer.dnsName });
    }
}
