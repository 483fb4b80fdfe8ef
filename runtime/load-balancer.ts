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
        const scope: Scope = { name, config, base, parent: this };
        this.https = base.certificateArn !== "";
        this.loadBalancer = applicationLoadBalancer(scope);
        this.targetGroups = targetGroups(scope);
        const forwardTo = (service: ServiceName) => [
            { type: "forward", targetGroupArn: this.targetGroups[service].arn },
        ];
        const { http, serving } = listeners(scope, this.loadBalancer, this.https, forwardTo);
        const rules = listenerRules(scope, serving, forwardTo);
        this.routing = serving === http ? [http, ...rules] : [http, serving, ...rules];
        this.registerOutputs({ dnsName: this.loadBalancer.dnsName });
    }
}

/** What every piece of the load balancer is declared with: logical names start with `name`, all are the component's children. */
interface Scope {
    readonly name: string;
    readonly config: RuntimeConfig;
    readonly base: BaseContract;
    readonly parent: LoadBalancer;
}

type ForwardTo = (service: ServiceName) => { type: string; targetGroupArn: pulumi.Output<string> }[];

function applicationLoadBalancer({ name, config, base, parent }: Scope): aws.lb.LoadBalancer {
    const accessLogsBucket = config.accessLogsBucket ?? base.accessLogsBucket;
    return new aws.lb.LoadBalancer(
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
        { parent, protect: config.protect },
    );
}

/** One IP target group per service, health-checked on the service's health path. */
function targetGroups({ name, config, base, parent }: Scope): Record<ServiceName, aws.lb.TargetGroup> {
    return Object.fromEntries(
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
                { parent },
            );
            return [service, group];
        }),
    ) as Record<ServiceName, aws.lb.TargetGroup>;
}

/**
 * The HTTP listener, and with a certificate the HTTPS one; `serving` is the one the routing rules
 * hang on (HTTPS when there is one: HTTP then only redirects).
 */
function listeners(
    { name, config, base, parent }: Scope,
    loadBalancer: aws.lb.LoadBalancer,
    https: boolean,
    forwardTo: ForwardTo,
): { http: aws.lb.Listener; serving: aws.lb.Listener } {
    const http = new aws.lb.Listener(
        `${name}-http`,
        {
            loadBalancerArn: loadBalancer.arn,
            port: HTTP_PORT,
            protocol: "HTTP",
            defaultActions: https
                ? [
                      {
                          type: "redirect",
                          redirect: { protocol: "HTTPS", port: String(HTTPS_PORT), statusCode: "HTTP_301" },
                      },
                  ]
                : forwardTo(DEFAULT_SERVICE),
            tags: tagsFor(config, physicalName(config, "http")),
        },
        { parent },
    );
    if (!https) return { http, serving: http };
    const serving = new aws.lb.Listener(
        `${name}-https`,
        {
            loadBalancerArn: loadBalancer.arn,
            port: HTTPS_PORT,
            protocol: "HTTPS",
            sslPolicy: TLS_POLICY,
            certificateArn: base.certificateArn,
            defaultActions: forwardTo(DEFAULT_SERVICE),
            tags: tagsFor(config, physicalName(config, "https")),
        },
        { parent },
    );
    return { http, serving };
}

/** routing.ts's path rules on the serving listener, each forwarding to its service's group. */
function listenerRules(
    { name, config, parent }: Scope,
    serving: aws.lb.Listener,
    forwardTo: ForwardTo,
): aws.lb.ListenerRule[] {
    return routingRules().map(
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
                { parent },
            ),
    );
}
