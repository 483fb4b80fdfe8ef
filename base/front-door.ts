import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { physicalName, serviceDiscoveryNamespaceName } from "../shared/naming";
import { tagsFor } from "../shared/tags";

export interface FrontDoorLinkArgs {
    readonly config: BaseConfig;
    readonly vpcId: pulumi.Input<string>;
    readonly privateSubnetIds: pulumi.Input<string>[];
    /** The group of the link's network interfaces (base's security groups, front door http-api). */
    readonly securityGroupId: pulumi.Input<string>;
}

/**
 * What an HTTP API front door needs at rest, kept in base because it persists and costs nothing by
 * the hour: the VPC link, whose network interfaces API Gateway takes a few minutes to create (API
 * Gateway developer guide, "Set up VPC links for HTTP APIs"; no charge for HTTP APIs' links), and the
 * Cloud Map namespace runtime registers the services in. API Gateway creates its service-linked role,
 * AWSServiceRoleForAPIGateway, with an account's first API, custom domain name or VPC link ("Using
 * service-linked roles for API Gateway"): this link, which comes before runtime's API.
 *
 * The namespace is a private DNS one, not the free HTTP kind: API Gateway finds a service's tasks
 * with DiscoverInstances (ApiGatewayV2 CreateIntegration, IntegrationUri), which any namespace
 * answers, but it needs each task's port, and ECS registers a port (AWS_INSTANCE_PORT) only into a
 * Cloud Map service with an SRV record (ECS API reference, ServiceRegistry; ECS refuses a
 * containerPort otherwise: "The values specified for serviceRegistries do not require a value for
 * 'containerPort'"). SRV records need a DNS namespace, whose private hosted zone costs $0.50 a month.
 */
export class FrontDoorLink extends pulumi.ComponentResource {
    readonly vpcLink: aws.apigatewayv2.VpcLink;
    readonly namespace: aws.servicediscovery.PrivateDnsNamespace;

    constructor(name: string, args: FrontDoorLinkArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:base:FrontDoorLink", name, {}, opts);
        const { config } = args;
        const child = { parent: this };
        // Required: securityGroupIds, subnetIds (provider docs, aws.apigatewayv2.VpcLink).
        this.vpcLink = new aws.apigatewayv2.VpcLink(
            `${name}-vpc-link`,
            {
                name: physicalName(config),
                securityGroupIds: [args.securityGroupId],
                subnetIds: args.privateSubnetIds,
                tags: tagsFor(config, physicalName(config, "vpc-link")),
            },
            child,
        );
        // Required: vpc (provider docs, aws.servicediscovery.PrivateDnsNamespace).
        this.namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-namespace`,
            {
                name: serviceDiscoveryNamespaceName(config),
                description: `${physicalName(config)}: the services the HTTP API reaches`,
                vpc: args.vpcId,
                tags: tagsFor(config, serviceDiscoveryNamespaceName(config)),
            },
            child,
        );
        this.registerOutputs({ vpcLinkId: this.vpcLink.id, namespaceId: this.namespace.id });
    }
}
