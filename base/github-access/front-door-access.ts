import { reviewHostnames } from "../../shared/review";
import { ANY_REVIEW } from "../../shared/stack-name";
import { Statement } from "./document";
import {
    conditions,
    denyOtherOwners,
    FencedService,
    FenceOwner,
    serviceStatements,
    tagCondition,
    withoutFenceTags,
} from "./fence";

/** What the deploy role needs to know of base's HTTP API front door (front door http-api only). */
export interface FrontDoorScope {
    /** Base's Cloud Map namespace: the only one runtime's Cloud Map services are created in. */
    readonly namespaceArn: string;
    /** The namespace's private hosted zone, where Cloud Map keeps the services' records. */
    readonly namespaceZoneId: string;
    /** The environment's zone name, whose hostnames the API's custom domains carry; none without a domain. */
    readonly zoneName?: string;
    /** Other environments' zones below this one's (theirs where this zone is the domain's apex): never its custom domains. */
    readonly zonesBelow?: readonly string[];
}

/**
 * Cloud Map behind the same tag fence as runtime's other services (fence.ts). Services are created
 * tagged, in base's namespace only (below), and changed, deregistered from and deleted only where they
 * carry Project and Environment: Cloud Map supports tags in policies (developer guide, "How AWS Cloud
 * Map works with IAM": ABAC yes), and the Service Authorization Reference's resource type `service`
 * carries aws:ResourceTag.
 *
 * Base does not own the Cloud Map services, although they persist as well as base's namespace does:
 * reviews create services of their own in base-dev's namespace, so runtime keeps Cloud Map's writes,
 * fenced by tags.
 */
const CLOUD_MAP: FencedService = {
    read: ["servicediscovery:Get*", "servicediscovery:List*"],
    change: ["servicediscovery:UpdateService", "servicediscovery:DeleteService", "servicediscovery:DeregisterInstance"],
    tagOnCreate: { action: "servicediscovery:TagResource" },
};

/** API Gateway's IAM resources are the request's path (developer guide, "Control access to an HTTP API with IAM"). */
const apiGateway = (...paths: string[]) => paths.map((path) => `arn:aws:apigateway:*::${path}`);

/** What runtime's program reads of API Gateway: its API, custom domains, base's VPC link, tags; never /apikeys. */
export const API_GATEWAY_READS = apiGateway(
    "/apis",
    "/apis/*",
    "/domainnames",
    "/domainnames/*",
    "/vpclinks/*",
    "/tags/*",
);

/**
 * Custom domains are named by hostname, and runtime's are the zone name or one label below it
 * (shared/config/problems.ts, hostnameProblems: base's certificate covers no more). IAM's `*` also
 * matches dots, so `*.<zone>` would reach every name below the zone, another environment's zone
 * delegated there included (dev.example.com below prod's example.com): names two labels or more below,
 * and the zones of other environments below this one, are denied.
 */
function customDomainStatements(scope: FenceOwner, zone: string, zonesBelow: readonly string[]): Statement[] {
    const writes = ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"];
    const withParts = (name: string) => [`/domainnames/${name}`, `/domainnames/${name}/*`];
    // Reviews' hostnames are pr-<N>.<zone> and api-pr-<N>.<zone> (shared/review.ts): never dev's own,
    // and dev's runtime never theirs.
    const reviews = Object.values(reviewHostnames(ANY_REVIEW, zone));
    const own = scope.review === undefined ? [zone, `*.${zone}`] : reviews;
    const others = scope.besideReviews ? reviews : [];
    return [
        {
            Sid: "OwnCustomDomains",
            Effect: "Allow",
            Action: writes,
            Resource: apiGateway(...own.flatMap(withParts)),
        },
        {
            Sid: "NoCustomDomainsOfZonesBelow",
            Effect: "Deny",
            Action: writes,
            Resource: apiGateway(...[`*.*.${zone}`, ...zonesBelow, ...others].flatMap(withParts)),
        },
    ];
}

/**
 * HTTP APIs. Runtime creates an API, its stage and its custom domains with their tags in the request,
 * so they are created only with this environment's; the API is changed and deleted only where it
 * carries them (an Api is taggable, and the reference's resource type Api carries aws:ResourceTag). Routes and integrations take no tags (developer guide, "API Gateway resources that can
 * be tagged": Api, DomainName, Stage and VpcLink in the V2 API), and the guide documents tag
 * inheritance for REST APIs only, so no tag condition is required of them: a request that does carry
 * another project's or environment's tags is denied instead, which holds however API Gateway fills
 * them in and never refuses this environment's own. Reads only where the program reads (never
 * /apikeys, whose GET returns keys' values); no create outside /apis and /domainnames (no VPC link,
 * REST API or usage plan).
 */
function apiGatewayStatements(
    scope: FenceOwner,
    zone: string | undefined,
    zonesBelow: readonly string[] = [],
): Statement[] {
    const writes = ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE", "apigateway:PUT"];
    return [
        {
            Sid: "ApiGatewayRead",
            Effect: "Allow",
            Action: ["apigateway:GET"],
            Resource: API_GATEWAY_READS,
        },
        {
            Sid: "ApiGatewayCreateTagged",
            Effect: "Allow",
            Action: ["apigateway:POST"],
            Resource: apiGateway("/apis", "/domainnames"),
            Condition: tagCondition("aws:RequestTag", scope),
        },
        // Tags go on with the create, only this environment's. TagResource is PUT /tags/<arn> in API
        // Gateway's V1 API and POST /v2/tags/<arn> in V2's, which HTTP APIs and their custom domains use
        // (the AWS SDKs' apigateway and apigatewayv2 models); IAM names the verb on /tags/<arn>.
        {
            Sid: "ApiGatewayTagOnCreate",
            Effect: "Allow",
            Action: ["apigateway:PUT", "apigateway:POST"],
            Resource: apiGateway("/tags/*"),
            Condition: tagCondition("aws:RequestTag", scope),
        },
        {
            Sid: "ApiGatewayChangeOwnApi",
            Effect: "Allow",
            Action: ["apigateway:PATCH", "apigateway:DELETE"],
            Resource: apiGateway("/apis/*"),
            Condition: tagCondition("aws:ResourceTag", scope),
        },
        {
            Sid: "ApiGatewayApiParts",
            Effect: "Allow",
            Action: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"],
            Resource: apiGateway("/apis/*/routes*", "/apis/*/integrations*", "/apis/*/stages*"),
        },
        ...(zone ? customDomainStatements(scope, zone, zonesBelow) : []),
        // A change of extraTags on the running API and its custom domains: the provider tags the changed
        // keys (POST /v2/tags/<arn>) and untags the removed ones (DELETE). The reference gives the Tags
        // resource type (/tags/<url-encoded ARN>) no aws:ResourceTag, so nothing can hold this to the
        // environment's own resources: any API Gateway resource's other tags can change (listed in the
        // docs as outside the fence), never a fence tag (Project, Environment, Review).
        {
            Sid: "ApiGatewayTagChanges",
            Effect: "Allow",
            Action: ["apigateway:POST", "apigateway:DELETE"],
            Resource: apiGateway("/tags/*"),
            Condition: withoutFenceTags(),
        },
        ...denyOtherOwners("ApiGateway", writes, scope, ["aws:ResourceTag", "aws:RequestTag"]),
        // The stage's access log: API Gateway sets up the delivery to base's log group with the
        // caller's rights (developer guide, "Configure logging for HTTP APIs", permissions to activate
        // logging). These actions have no resource type in the Service Authorization Reference; the
        // log group itself is base's (logs:DescribeLogGroups is among the reads).
        {
            Sid: "ApiAccessLogDelivery",
            Effect: "Allow",
            Action: [
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
            ],
            Resource: "*",
        },
    ];
}

/** The HTTP API front door's API Gateway statements alone (the review role keeps them apart from Cloud Map's, for IAM's size quota). */
export const frontDoorApiStatements = (scope: FenceOwner, frontDoor: FrontDoorScope): Statement[] =>
    apiGatewayStatements(scope, frontDoor.zoneName, frontDoor.zonesBelow);

/** Cloud Map's services in base's namespace, and the records their registrations change. */
export function cloudMapStatements(scope: FenceOwner, frontDoor: FrontDoorScope): Statement[] {
    return [
        ...serviceStatements("servicediscovery", CLOUD_MAP, scope),
        // A change of extraTags on a running Cloud Map service: the provider tags the changed keys and
        // untags the removed ones (terraform-provider-aws servicediscovery, @Tags on the service and its
        // generated updateTags). TagResource and UntagResource have no resource type in the Service
        // Authorization Reference, so no resource tag can be required: any Cloud Map resource's other tags
        // can change (listed in the docs as outside the fence), never a fence tag (Project, Environment, Review).
        {
            Sid: "CloudMapTagChanges",
            Effect: "Allow",
            Action: ["servicediscovery:TagResource", "servicediscovery:UntagResource"],
            Resource: "*",
            Condition: withoutFenceTags(),
        },
        // A Cloud Map service is created tagged, in this environment's namespace only.
        {
            Sid: "CloudMapCreateInOwnNamespace",
            Effect: "Allow",
            Action: ["servicediscovery:CreateService"],
            Resource: "*",
            Condition: conditions(tagCondition("aws:RequestTag", scope), {
                StringEquals: { "servicediscovery:NamespaceArn": frontDoor.namespaceArn },
            }),
        },
        // Deregistering a task (ECS does, and the nightly destroy's forceDestroy does for what is left)
        // changes its records in the namespace's private zone, with the caller's Route 53 rights
        // (Cloud Map developer guide, identity-based policy examples: "The Route 53 permission is
        // required if you're using public or private DNS namespaces"). Its Route 53 health check rights
        // are not needed: runtime's services take a custom health check (HealthCheckCustomConfig), and
        // Cloud Map creates and deletes Route 53 health checks only for HealthCheckConfig (developer
        // guide, "AWS Cloud Map service health check configuration").
        {
            Sid: "CloudMapRecords",
            Effect: "Allow",
            Action: ["route53:ChangeResourceRecordSets"],
            Resource: `arn:aws:route53:::hostedzone/${frontDoor.namespaceZoneId}`,
        },
    ];
}
