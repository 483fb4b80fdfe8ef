import { NameScope, physicalName } from "../../shared/naming";
import { reviewLabel } from "../../shared/stack-name";
import { REVIEW_TAG_KEY } from "../../shared/tags";
import { ConditionBlock, Statement } from "./document";

/**
 * The tag fence around runtime's services: what the deploy role of one environment may do to the
 * resources runtime creates, and nothing of another environment or project. Every resource runtime
 * creates carries `Project` and `Environment` from its first API call (shared/tags.ts, checked by the
 * policy pack's contract-tags rule), so:
 * - a create is allowed only with both tags in the request (`aws:RequestTag/...`);
 * - a change or delete only on a resource that carries both (`aws:ResourceTag/...`), which also
 *   covers base's subnets, route tables and security groups runtime uses;
 * - the fence's tags only as part of a create, so no resource can be retagged into this environment;
 *   other tags change on the environment's own resources, never a fence tag (Project, Environment, Review);
 * - Describe, List and Get on `*` (lookups, refreshes and waits read everything, change nothing).
 * A scope with `review` (ANY_REVIEW for the review role, review-access.ts) adds the Review tag to both
 * conditions and puts `pr-*` in every name the statements hold to.
 *
 * Adding a service is one entry in FENCED_SERVICES, named in the statements of the deploy policy it
 * belongs to (networkFenceStatements, containerFenceStatements or scalingFenceStatements);
 * test/iam-catalog.spec.ts checks every action and condition key of it against the Service
 * Authorization Reference.
 */
export interface FencedService {
    /** Read-only actions, on `*`. */
    readonly read: readonly string[];
    /** Actions that create a resource: only with the fence tags in the request. */
    readonly create?: readonly string[];
    /**
     * Creates whose resource is an existing parent (a listener is authorized on its load balancer):
     * the fence tags in the request and on the parent, so nothing is added to another environment's.
     */
    readonly createWithin?: readonly string[];
    /** Actions on existing resources (and the existing resources a create uses): only where the fence tags are. */
    readonly change?: readonly string[];
    /**
     * The service's tagging action, allowed only inside a create: where the service has a key naming
     * the create (`ec2:CreateAction`), only for these creates; where it has none, only with the
     * fence tags in the request.
     */
    readonly tagOnCreate?: {
        readonly action: string;
        readonly createActionKey?: string;
        readonly creates?: readonly string[];
    };
    /**
     * The tagging and untagging actions, allowed on the environment's own resources for any tag but the
     * fence's own: `extraTags` can change on a running resource (runtime-prod is never torn down),
     * while the fence's tags never do.
     */
    readonly tagChange?: readonly string[];
    /** Actions the reference gives no tag key: allowed under the condition they do support; the entry says why that is safe enough. */
    readonly untagged?: { readonly actions: readonly string[]; readonly condition: ConditionBlock };
}

const SCALING_ACTIONS = [
    "application-autoscaling:RegisterScalableTarget",
    "application-autoscaling:DeregisterScalableTarget",
    "application-autoscaling:PutScalingPolicy",
    "application-autoscaling:DeleteScalingPolicy",
];

export const FENCED_SERVICES: Readonly<Record<string, FencedService>> = {
    ec2: {
        read: ["ec2:Describe*", "ec2:Get*"],
        // RunInstances and CreateNatGateway also authorize the base subnet, security group and Elastic
        // IP they use: those carry the fence tags, so they are in `change` too.
        create: ["ec2:AllocateAddress", "ec2:CreateNatGateway", "ec2:RunInstances"],
        change: [
            "ec2:CreateNatGateway",
            "ec2:RunInstances",
            "ec2:ReleaseAddress",
            "ec2:DeleteNatGateway",
            "ec2:CreateRoute",
            "ec2:ReplaceRoute",
            "ec2:DeleteRoute",
            "ec2:TerminateInstances",
            "ec2:StopInstances",
            "ec2:StartInstances",
            "ec2:ModifyInstanceAttribute",
            "ec2:ModifyInstanceMetadataOptions",
            "ec2:ModifyInstanceMaintenanceOptions",
        ],
        tagChange: ["ec2:CreateTags", "ec2:DeleteTags"],
        tagOnCreate: {
            action: "ec2:CreateTags",
            createActionKey: "ec2:CreateAction",
            creates: ["AllocateAddress", "CreateNatGateway", "RunInstances"],
        },
    },
    elasticloadbalancing: {
        read: ["elasticloadbalancing:Describe*"],
        // CreateLoadBalancer is scoped by name below; target groups are named by a prefix and a random
        // suffix (runtime/load-balancer.ts), which no one can take ahead of them.
        create: ["elasticloadbalancing:CreateTargetGroup"],
        createWithin: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule"],
        change: [
            "elasticloadbalancing:DeleteLoadBalancer",
            "elasticloadbalancing:ModifyLoadBalancerAttributes",
            "elasticloadbalancing:SetSecurityGroups",
            "elasticloadbalancing:SetSubnets",
            "elasticloadbalancing:SetIpAddressType",
            "elasticloadbalancing:DeleteTargetGroup",
            "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes",
            "elasticloadbalancing:ModifyListener",
            "elasticloadbalancing:ModifyListenerAttributes",
            "elasticloadbalancing:DeleteListener",
            "elasticloadbalancing:ModifyRule",
            "elasticloadbalancing:DeleteRule",
        ],
        tagChange: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        tagOnCreate: {
            action: "elasticloadbalancing:AddTags",
            createActionKey: "elasticloadbalancing:CreateAction",
            creates: ["CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateRule"],
        },
    },
    ecs: {
        read: ["ecs:Describe*", "ecs:List*"],
        // CreateCluster, CreateService, UpdateService and RegisterTaskDefinition are scoped below: to
        // this environment's cluster, names, subnets and task definition families.
        change: [
            "ecs:DeleteCluster",
            "ecs:UpdateCluster",
            "ecs:UpdateClusterSettings",
            "ecs:PutClusterCapacityProviders",
            "ecs:DeleteService",
        ],
        tagChange: ["ecs:TagResource", "ecs:UntagResource"],
        tagOnCreate: {
            action: "ecs:TagResource",
            createActionKey: "ecs:CreateAction",
            creates: ["CreateCluster", "RegisterTaskDefinition", "CreateService"],
        },
    },
    "application-autoscaling": {
        // The provider reads a scalable target's tags after every create and read (terraform-provider-aws
        // appautoscaling/target.go is @Tags(identifierAttribute="arn") and its read sets none, so the tags
        // interceptor calls ListTagsForResource and fails the operation on its error); Describe* does not cover it.
        read: ["application-autoscaling:Describe*", "application-autoscaling:ListTagsForResource"],
        // The actions' rows in the reference give no tag key (only RegisterScalableTarget's request
        // tags), and a scalable target's ARN is a random id. Application Auto Scaling checks the
        // caller's rights on what it scales instead: registering needs ecs:UpdateService on the
        // service, a target-tracking policy cloudwatch:PutMetricAlarm or DeleteAlarms on its alarms,
        // both fenced. It documents tags for access to scalable targets (user guide, "Tagging support
        // for Application Auto Scaling": aws:ResourceTag) with ABAC support partial, so a request that
        // carries another's tags is denied (scalingFenceStatements) without requiring them of the
        // environment's own: where AWS leaves them out, another environment's autoscaling could be
        // stopped (never its service) until its next `pulumi up`.
        untagged: {
            actions: SCALING_ACTIONS,
            condition: { StringEquals: { "application-autoscaling:service-namespace": "ecs" } },
        },
        tagOnCreate: { action: "application-autoscaling:TagResource" },
        tagChange: ["application-autoscaling:TagResource", "application-autoscaling:UntagResource"],
    },
};

/**
 * Where an action gives the resource's tags but may not require them (AWS fills them in for some
 * requests and not others), a request that does carry another project's or environment's is denied:
 * that never refuses the environment's own, whatever AWS fills in. So is one that carries a Review tag
 * (a review's resource) for the environment's own runtime, and for the reviews one that carries the
 * owner tags without a Review tag (dev's runtime's, or base's). With
 * `aws:RequestTag` among the prefixes, the same holds for the tags a request sets, where the action
 * may create without them (API Gateway's stages, Application Auto Scaling's targets).
 */
export function denyOtherOwners(
    sid: string,
    actions: readonly string[],
    scope: FenceOwner,
    prefixes: readonly TagPrefix[] = ["aws:ResourceTag"],
): Statement[] {
    const deny = (what: string, condition: ConditionBlock): Statement => ({
        Sid: `${sid}${what}`,
        Effect: "Deny",
        Action: [...actions],
        Resource: "*",
        Condition: condition,
    });
    return prefixes.flatMap((prefix) => {
        const named = prefix === "aws:ResourceTag" ? "" : "Request";
        return [
            ...Object.entries(fenceTags(scope)).map(([key, value]) =>
                deny(`${named}Other${key}s`, {
                    Null: { [`${prefix}/${key}`]: "false" },
                    StringNotEquals: { [`${prefix}/${key}`]: value },
                }),
            ),
            ...(scope.review !== undefined
                ? [
                      deny(`${named}NotReviews`, {
                          Null: { [`${prefix}/Project`]: "false", [`${prefix}/${REVIEW_TAG_KEY}`]: "true" },
                      }),
                  ]
                : scope.besideReviews
                  ? [deny(`${named}Reviews`, { Null: { [`${prefix}/${REVIEW_TAG_KEY}`]: "false" } })]
                  : []),
        ];
    });
}

type TagPrefix = "aws:RequestTag" | "aws:ResourceTag";

/**
 * Whose resources a fence's statements hold to: an environment's runtime, or its reviews (`review`).
 * `besideReviews`: the runtime reviews run beside (dev's), to which nothing tagged Review belongs;
 * only the statements of what reviews also create need it (not EC2's or load balancing's).
 */
export interface FenceOwner extends NameScope {
    readonly besideReviews?: boolean;
}

/** The tags that say who owns a resource. Layer is left out, so runtime can use base's resources. */
const fenceTags = (scope: NameScope): Record<(typeof OWNER_TAG_KEYS)[number], string> => ({
    Project: scope.project,
    Environment: scope.env,
});
const OWNER_TAG_KEYS = ["Project", "Environment"] as const;
/** The tags the fence reads, which no tag change outside a create may set or remove: the owner's and the review's. */
const FENCE_TAG_KEYS: readonly string[] = [...OWNER_TAG_KEYS, REVIEW_TAG_KEY];

/**
 * The request's (a create's) or the resource's tags are the scope's: Project and Environment exactly,
 * and a Review tag for reviews (`pr-*` for any review, StringLike), none for the runtime the reviews run
 * beside, so dev's deploy role changes no review's resource and creates nothing tagged as one.
 */
export function tagCondition(prefix: TagPrefix, scope: FenceOwner): ConditionBlock {
    const owner = Object.fromEntries(
        Object.entries(fenceTags(scope)).map(([key, value]) => [`${prefix}/${key}`, value]),
    );
    const review = `${prefix}/${REVIEW_TAG_KEY}`;
    if (scope.review !== undefined) return { StringEquals: owner, StringLike: { [review]: reviewLabel(scope.review) } };
    return scope.besideReviews ? { StringEquals: owner, Null: { [review]: "true" } } : { StringEquals: owner };
}

/** Condition blocks merged operator by operator (a key named twice under one operator: the last wins). */
export function conditions(...blocks: ConditionBlock[]): ConditionBlock {
    const merged: Record<string, Record<string, string | string[]>> = {};
    for (const block of blocks)
        for (const [operator, entries] of Object.entries(block)) merged[operator] = { ...merged[operator], ...entries };
    return merged;
}

/** A tag change that neither sets nor removes a fence tag. */
export const withoutFenceTags = (block: ConditionBlock = {}): ConditionBlock =>
    conditions(block, { "ForAllValues:StringNotEquals": { "aws:TagKeys": [...FENCE_TAG_KEYS] } });

const sid = (service: string, what: string) =>
    `${service.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}${what}`;

export function serviceStatements(service: string, fenced: FencedService, scope: FenceOwner): Statement[] {
    const statements: Statement[] = [
        { Sid: sid(service, "Read"), Effect: "Allow", Action: [...fenced.read], Resource: "*" },
    ];
    const add = (what: string, actions: readonly string[] | undefined, condition: ConditionBlock) => {
        if (actions && actions.length > 0)
            statements.push({
                Sid: sid(service, what),
                Effect: "Allow",
                Action: [...actions],
                Resource: "*",
                Condition: condition,
            });
    };
    add("CreateTagged", fenced.create, tagCondition("aws:RequestTag", scope));
    add(
        "CreateWithinOwn",
        fenced.createWithin,
        conditions(tagCondition("aws:RequestTag", scope), tagCondition("aws:ResourceTag", scope)),
    );
    add("ChangeOwn", fenced.change, tagCondition("aws:ResourceTag", scope));
    const tagging = fenced.tagOnCreate;
    if (tagging) {
        const insideCreate: ConditionBlock = tagging.createActionKey
            ? conditions(tagCondition("aws:RequestTag", scope), {
                  StringEquals: { [tagging.createActionKey]: [...(tagging.creates ?? [])] },
              })
            : tagCondition("aws:RequestTag", scope);
        add("TagOnCreate", [tagging.action], insideCreate);
    }
    add("TagOwn", fenced.tagChange, withoutFenceTags(tagCondition("aws:ResourceTag", scope)));
    if (fenced.untagged) add("Untagged", fenced.untagged.actions, fenced.untagged.condition);
    return statements;
}

/** What the deploy role needs beyond the table: resources a create uses that carry no fence tags. */
export interface FenceScope extends FenceOwner {
    /** Base's VPC: the NAT instance's network interface is created untagged, inside it. */
    readonly vpcId: string;
    /** Base's subnets, public and private: the only ones runtime's tasks may run in. */
    readonly subnetIds: readonly string[];
}

/** Every revision of this environment's task definition families, `<project>-<env>-<service>:<revision>`. */
const ownTaskDefinitions = (scope: NameScope) => `arn:aws:ecs:*:*:task-definition/${physicalName(scope)}-*`;

const fencedStatements = (scope: FenceOwner, services: readonly string[]) =>
    services.flatMap((service) => serviceStatements(service, FENCED_SERVICES[service], scope));

/**
 * The fence's statements for one environment's network: instances, addresses, NAT gateways, routes
 * and load balancers. Where an action supports no tag condition, it is scoped by ARN or by another
 * condition instead (each says why).
 */
export function networkFenceStatements(scope: FenceScope): Statement[] {
    return [
        ...fencedStatements(scope, ["ec2", "elasticloadbalancing"]),
        // Load balancer names are unique in a region of an account: created only under this
        // environment's name, so no environment takes the name another creates each morning.
        {
            Sid: "ElasticloadbalancingCreateOwnName",
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer"],
            Resource: [
                `arn:aws:elasticloadbalancing:*:*:loadbalancer/app/${physicalName(scope)}/*`,
                `arn:aws:elasticloadbalancing:*:*:loadbalancer/app/${physicalName(scope)}-*/*`,
            ],
            Condition: tagCondition("aws:RequestTag", scope),
        },
        // ec2:Get* reads are the lookups' and waits'; these few read what an instance holds (its console,
        // its password): never another project's or environment's.
        ...denyOtherOwners(
            "Ec2InstanceSecrets",
            ["ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot", "ec2:GetPasswordData"],
            scope,
        ),
        // RunInstances also authorizes the primary network interface, which the provider creates
        // without tags (no TagSpecification for it): allowed only inside this environment's VPC.
        {
            Sid: "NatInstanceInterface",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: "arn:aws:ec2:*:*:network-interface/*",
            Condition: { ArnLike: { "ec2:Vpc": `arn:aws:ec2:*:*:vpc/${scope.vpcId}` } },
        },
        // ... and the AMI, which AWS owns and tags as it likes: Amazon's own images only.
        {
            Sid: "AmazonImages",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: "arn:aws:ec2:*::image/*",
            Condition: { StringEquals: { "ec2:Owner": "amazon" } },
        },
    ];
}

/** The fence's statements for one environment's containers: cluster, task definitions and services. */
export function containerFenceStatements(scope: FenceScope): Statement[] {
    return [
        ...fencedStatements(scope, ["ecs"]),
        // Cluster names are unique in a region of an account: only this environment's.
        {
            Sid: "EcsCreateOwnCluster",
            Effect: "Allow",
            Action: ["ecs:CreateCluster"],
            Resource: `arn:aws:ecs:*:*:cluster/${physicalName(scope)}`,
            Condition: tagCondition("aws:RequestTag", scope),
        },
        // ECS acts for the caller through its service-linked role: it places a service's tasks in the
        // subnets the request names and registers them with the target group or Cloud Map service the
        // request names, with no right of the caller's on either (ECS developer guide, "Using
        // service-linked roles for Amazon ECS"). So a service is created or changed only with this
        // environment's subnets (ecs:subnet, the subnet ids the request's awsvpcConfiguration carries:
        // ECS API reference, AwsVpcConfiguration) and its own task definition families
        // (ecs:task-definition, an ARN). A service's ARN names its cluster (service/<cluster>/<name>):
        // created only in this environment's.
        {
            Sid: "EcsCreateOwnService",
            Effect: "Allow",
            Action: ["ecs:CreateService"],
            Resource: `arn:aws:ecs:*:*:service/${physicalName(scope)}/${physicalName(scope)}-*`,
            Condition: conditions(tagCondition("aws:RequestTag", scope), {
                ArnLike: { "ecs:task-definition": ownTaskDefinitions(scope) },
                "ForAllValues:StringEquals": { "ecs:subnet": [...scope.subnetIds] },
                Null: { "ecs:subnet": "false" },
            }),
        },
        // The provider's UpdateService names the task definition and the network configuration only
        // when they change (terraform-provider-aws internal/service/ecs/service.go,
        // resourceServiceUpdate): a request without them keeps what the service has, so the keys are
        // checked where present.
        {
            Sid: "EcsUpdateOwnService",
            Effect: "Allow",
            Action: ["ecs:UpdateService"],
            Resource: "*",
            Condition: conditions(tagCondition("aws:ResourceTag", scope), {
                ArnLikeIfExists: { "ecs:task-definition": ownTaskDefinitions(scope) },
                "ForAllValues:StringEquals": { "ecs:subnet": [...scope.subnetIds] },
            }),
        },
        // A task definition's ARN names its family: registered only into this environment's families.
        {
            Sid: "EcsRegisterOwnTaskDefinitions",
            Effect: "Allow",
            Action: ["ecs:RegisterTaskDefinition"],
            Resource: ownTaskDefinitions(scope),
            Condition: tagCondition("aws:RequestTag", scope),
        },
        // DeregisterTaskDefinition has no resource type and no condition key in the Service
        // Authorization Reference: "*" is the only form AWS accepts. A deregistered revision keeps
        // serving the services that use it; nothing else of another environment is reachable this way.
        {
            Sid: "EcsDeregisterTaskDefinition",
            Effect: "Allow",
            Action: ["ecs:DeregisterTaskDefinition"],
            Resource: "*",
        },
    ];
}

/** wakeOnRequest's alarms (runtime/wake.ts): `<project>-<env>-wake` and `-sleep`. */
const ownAlarms = (scope: NameScope) => `arn:aws:cloudwatch:*:*:alarm:${physicalName(scope)}-*`;

/**
 * The scaling policies of this environment's services: Application Auto Scaling names a policy's
 * ARN after what it scales, `scalingPolicy:<id>:resource/ecs/service/<cluster>/<service>:policyName/<name>`
 * (Application Auto Scaling API reference, PutScalingPolicy, its example's PolicyARN).
 */
const ownScalingPolicies = (scope: NameScope) =>
    `arn:aws:autoscaling:*:*:scalingPolicy:*:resource/ecs/service/${physicalName(scope)}/*`;

/** The fence's statements for one environment's services' scaling: scalable targets, policies and their alarms. */
export function scalingFenceStatements(scope: FenceOwner): Statement[] {
    // An alarm acts on what its actions name (cloudwatch:AlarmActions, a list): only this environment's scaling policies.
    const ownActions = { "ForAllValues:ArnLike": { "cloudwatch:AlarmActions": ownScalingPolicies(scope) } };
    return [
        ...fencedStatements(scope, ["application-autoscaling"]),
        ...denyOtherOwners("ScalingTargets", SCALING_ACTIONS, scope),
        // Registering may carry the target's tags (the only scaling action whose row lists aws:RequestTag).
        ...denyOtherOwners("ScalingTargetsCreate", ["application-autoscaling:RegisterScalableTarget"], scope, [
            "aws:RequestTag",
        ]),
        // Application Auto Scaling creates the target-tracking alarms itself, untagged, and checks the
        // caller's rights on them: scoped by the name it gives them, TargetTracking-service/<cluster>/...
        {
            Sid: "ScalingAlarmsRead",
            Effect: "Allow",
            Action: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
            Resource: "*",
        },
        {
            Sid: "ScalingAlarms",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
            Resource: `arn:aws:cloudwatch:*:*:alarm:TargetTracking-service/${physicalName(scope)}/*`,
        },
        // wakeOnRequest's alarms are runtime's own, created tagged (PutMetricAlarm takes aws:RequestTag) under
        // this environment's names, which are unique in a region of an account, and act on its scaling
        // policies only. PutMetricAlarm also updates an alarm, without its tags: then only one that carries them.
        {
            Sid: "WakeAlarmsCreate",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricAlarm"],
            Resource: ownAlarms(scope),
            Condition: conditions(tagCondition("aws:RequestTag", scope), ownActions),
        },
        {
            Sid: "WakeAlarmsChangeOwn",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricAlarm"],
            Resource: ownAlarms(scope),
            Condition: conditions(tagCondition("aws:ResourceTag", scope), ownActions),
        },
        {
            Sid: "WakeAlarmsDeleteOwn",
            Effect: "Allow",
            Action: ["cloudwatch:DeleteAlarms"],
            Resource: ownAlarms(scope),
            Condition: tagCondition("aws:ResourceTag", scope),
        },
        {
            Sid: "WakeAlarmsTagOnCreate",
            Effect: "Allow",
            Action: ["cloudwatch:TagResource"],
            Resource: ownAlarms(scope),
            Condition: tagCondition("aws:RequestTag", scope),
        },
        {
            Sid: "WakeAlarmsTagOwn",
            Effect: "Allow",
            Action: ["cloudwatch:TagResource", "cloudwatch:UntagResource"],
            Resource: ownAlarms(scope),
            Condition: withoutFenceTags(tagCondition("aws:ResourceTag", scope)),
        },
    ];
}
