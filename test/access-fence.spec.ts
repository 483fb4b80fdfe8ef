import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { evaluateEnvironment, stackConfig } from "../offline/evaluate";
import { loadConfig } from "../shared/config/load";
import { parseStackName } from "../shared/stack-name";
import { deployStatementsOf, everythingOn, SECRETS_KEY, STATE_BUCKET } from "./iam/access-setup";
import { ofType, single, TYPES } from "./helpers";
import { catalogProblems, requestProblems } from "./iam/catalog";
import { decision, Request } from "./iam/evaluator";

/**
 * Each environment's access reaches its own environment only: the questions of issue 19 put to IAM's
 * evaluation logic (test/iam/evaluator.ts) for dev's deploy role and the pull-request preview role.
 */
const ACCOUNT = "123456789012";
const ec2 = (what: string) => `arn:aws:ec2:us-west-2:${ACCOUNT}:${what}`;
const elb = (what: string) => `arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:${what}`;
const ecs = (what: string) => `arn:aws:ecs:us-west-2:${ACCOUNT}:${what}`;
const role = (path: string) => `arn:aws:iam::${ACCOUNT}:role/${path}`;
const repository = (name: string) => `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/${name}`;
const alarm = (name: string) => `arn:aws:cloudwatch:us-west-2:${ACCOUNT}:alarm:${name}`;
/** An ECS service's scaling policy as Application Auto Scaling names it (API reference, PutScalingPolicy). */
const scalingPolicy = (cluster: string, service: string, name: string) =>
    `arn:aws:autoscaling:us-west-2:${ACCOUNT}:scalingPolicy:0f1e2d3c:resource/ecs/service/${cluster}/${service}:policyName/${name}`;
const NAT_INSTANCE_PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/durable-code/dev/runtime/durable-code-dev-nat-instance`;
/** A scalable target as its ARN names it (Service Authorization Reference, Application Auto Scaling's ScalableTarget). */
const SCALABLE_TARGET = `arn:aws:application-autoscaling:us-west-2:${ACCOUNT}:scalable-target/0ec9e3f4a1b2c3d4`;
const state = (key: string) => `arn:aws:s3:::${STATE_BUCKET}/${key}`;
const tags = (kind: "ResourceTag" | "RequestTag", project: string, env: string) => ({
    [`aws:${kind}/Project`]: project,
    [`aws:${kind}/Environment`]: env,
});
/** Where runtime-dev's services run (the fake base's private subnets; test below checks runtime names them). */
const DEV_PRIVATE_SUBNETS = ["subnet-network-private-0", "subnet-network-private-1"];
const on = (env: string, project = "durable-code") => tags("ResourceTag", project, env);
const creating = (env: string, project = "durable-code") => tags("RequestTag", project, env);
const secrets = (env: string) => ({
    "kms:EncryptionContext:project": "durable-code",
    "kms:EncryptionContext:environment": env,
});
const ask = (action: string, resource: string, context: Record<string, string | string[]> = {}): Request => ({
    action,
    resource,
    context,
});

/** What dev's runtime does to come up and go down, resource type by resource type (with the NAT instance, a zone and ECS Exec). */
const RUNTIME_UP_AND_DOWN: Record<string, Request[]> = {
    "aws:ec2/eip:Eip": [
        ask("ec2:AllocateAddress", ec2("elastic-ip/*"), creating("dev")),
        ask("ec2:ReleaseAddress", ec2("elastic-ip/eipalloc-1"), on("dev")),
    ],
    "aws:ec2/natGateway:NatGateway": [
        ask("ec2:CreateNatGateway", ec2("natgateway/*"), creating("dev")),
        ask("ec2:CreateNatGateway", ec2("subnet/subnet-public-0"), on("dev")),
        ask("ec2:CreateNatGateway", ec2("elastic-ip/eipalloc-1"), on("dev")),
        ask("ec2:CreateTags", ec2("natgateway/*"), { ...creating("dev"), "ec2:CreateAction": "CreateNatGateway" }),
        ask("ec2:DeleteNatGateway", ec2("natgateway/nat-1"), on("dev")),
    ],
    // Base's private route tables carry Project and Environment too (Layer is base).
    "aws:ec2/route:Route": [
        ask("ec2:CreateRoute", ec2("route-table/rtb-private-0"), on("dev")),
        ask("ec2:DeleteRoute", ec2("route-table/rtb-private-0"), on("dev")),
    ],
    "aws:ec2/instance:Instance": [
        ask("ec2:RunInstances", ec2("instance/*"), creating("dev")),
        ask("ec2:RunInstances", ec2("volume/*"), creating("dev")),
        ask("ec2:RunInstances", ec2("network-interface/*"), { "ec2:Vpc": ec2("vpc/vpc-network-vpc") }),
        ask("ec2:RunInstances", ec2("subnet/subnet-public-0"), on("dev")),
        ask("ec2:RunInstances", ec2("security-group/sg-nat-instance"), on("dev")),
        ask("ec2:RunInstances", "arn:aws:ec2:us-west-2::image/ami-0a1b2c3d4e5f60718", { "ec2:Owner": "amazon" }),
        ask("ec2:CreateTags", ec2("instance/*"), { ...creating("dev"), "ec2:CreateAction": "RunInstances" }),
        ask(
            "ssm:GetParameter",
            `arn:aws:ssm:us-west-2::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64`,
        ),
        ask("ec2:ModifyInstanceAttribute", ec2("instance/i-1"), on("dev")),
        ask("ec2:TerminateInstances", ec2("instance/i-1"), on("dev")),
    ],
    "aws:iam/role:Role": [
        ask("iam:CreateRole", role("durable-code/dev/runtime/durable-code-dev-execution"), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
        ask("iam:PutRolePolicy", role("durable-code/dev/runtime/durable-code-dev-execution"), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
        ask("iam:PassRole", role("durable-code/dev/runtime/durable-code-dev-execution"), {
            "iam:PassedToService": "ecs-tasks.amazonaws.com",
        }),
        ask("iam:PassRole", role("durable-code/dev/runtime/durable-code-dev-nat-instance"), {
            "iam:PassedToService": "ec2.amazonaws.com",
        }),
        ask("iam:DeleteRolePolicy", role("durable-code/dev/runtime/durable-code-dev-execution"), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
        ask("iam:DeleteRole", role("durable-code/dev/runtime/durable-code-dev-execution"), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
        ask("iam:GetPolicy", "BOUNDARY"),
    ],
    "aws:iam/rolePolicy:RolePolicy": [
        ask("iam:PutRolePolicy", role("durable-code/dev/runtime/durable-code-dev-task"), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
    ],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
        ask("iam:AttachRolePolicy", role("durable-code/dev/runtime/durable-code-dev-nat-instance"), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
        ask("iam:DetachRolePolicy", role("durable-code/dev/runtime/durable-code-dev-nat-instance"), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
    ],
    "aws:iam/instanceProfile:InstanceProfile": [
        ask(
            "iam:CreateInstanceProfile",
            `arn:aws:iam::${ACCOUNT}:instance-profile/durable-code/dev/runtime/durable-code-dev-nat-instance`,
        ),
        ask(
            "iam:AddRoleToInstanceProfile",
            `arn:aws:iam::${ACCOUNT}:instance-profile/durable-code/dev/runtime/durable-code-dev-nat-instance`,
        ),
        // ... which passes the role to EC2 (IAM API reference, AddRoleToInstanceProfile; the service as
        // Karpenter's controller policy has it, aws/karpenter-provider-aws getting-started cloudformation.yaml).
        ask("iam:PassRole", role("durable-code/dev/runtime/durable-code-dev-nat-instance"), {
            "iam:PassedToService": "ec2.amazonaws.com",
        }),
        ask(
            "iam:DeleteInstanceProfile",
            `arn:aws:iam::${ACCOUNT}:instance-profile/durable-code/dev/runtime/durable-code-dev-nat-instance`,
        ),
    ],
    "aws:lb/loadBalancer:LoadBalancer": [
        ask("elasticloadbalancing:CreateLoadBalancer", elb("loadbalancer/app/durable-code-dev/*"), creating("dev")),
        ask("elasticloadbalancing:AddTags", elb("loadbalancer/app/durable-code-dev/*"), {
            ...creating("dev"),
            "elasticloadbalancing:CreateAction": "CreateLoadBalancer",
        }),
        ask("elasticloadbalancing:ModifyLoadBalancerAttributes", elb("loadbalancer/app/durable-code-dev/1"), on("dev")),
        ask("elasticloadbalancing:DeleteLoadBalancer", elb("loadbalancer/app/durable-code-dev/1"), on("dev")),
    ],
    "aws:lb/targetGroup:TargetGroup": [
        ask("elasticloadbalancing:CreateTargetGroup", elb("targetgroup/be-1/*"), creating("dev")),
        ask("elasticloadbalancing:ModifyTargetGroupAttributes", elb("targetgroup/be-1/1"), on("dev")),
        ask("elasticloadbalancing:DeleteTargetGroup", elb("targetgroup/be-1/1"), on("dev")),
    ],
    "aws:lb/listener:Listener": [
        ask("elasticloadbalancing:CreateListener", elb("loadbalancer/app/durable-code-dev/1"), {
            ...creating("dev"),
            ...on("dev"),
        }),
        ask("elasticloadbalancing:DeleteListener", elb("listener/app/durable-code-dev/1/1"), on("dev")),
    ],
    "aws:lb/listenerRule:ListenerRule": [
        ask("elasticloadbalancing:CreateRule", elb("listener/app/durable-code-dev/1/1"), {
            ...creating("dev"),
            ...on("dev"),
        }),
        ask("elasticloadbalancing:DeleteRule", elb("listener-rule/app/durable-code-dev/1/1/1"), on("dev")),
    ],
    "aws:ecs/cluster:Cluster": [
        ask("ecs:CreateCluster", ecs("cluster/durable-code-dev"), creating("dev")),
        ask("ecs:TagResource", ecs("cluster/durable-code-dev"), {
            ...creating("dev"),
            "ecs:CreateAction": "CreateCluster",
        }),
        ask("ecs:DeleteCluster", ecs("cluster/durable-code-dev"), on("dev")),
    ],
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": [
        ask("ecs:PutClusterCapacityProviders", ecs("cluster/durable-code-dev"), on("dev")),
    ],
    "aws:ecs/taskDefinition:TaskDefinition": [
        ask("ecs:RegisterTaskDefinition", ecs("task-definition/durable-code-dev-backend:*"), creating("dev")),
        ask("ecs:DeregisterTaskDefinition", "*"),
    ],
    "aws:ecs/service:Service": [
        ask("ecs:CreateService", ecs("service/durable-code-dev/durable-code-dev-backend"), {
            ...creating("dev"),
            "ecs:task-definition": ecs("task-definition/durable-code-dev-backend:1"),
            "ecs:subnet": DEV_PRIVATE_SUBNETS,
        }),
        // A release: a new revision; a change of egress: the public subnets; a new deployment alone names neither.
        ask("ecs:UpdateService", ecs("service/durable-code-dev/durable-code-dev-backend"), {
            ...on("dev"),
            "ecs:task-definition": ecs("task-definition/durable-code-dev-backend:2"),
        }),
        ask("ecs:UpdateService", ecs("service/durable-code-dev/durable-code-dev-backend"), {
            ...on("dev"),
            "ecs:subnet": ["subnet-network-public-0", "subnet-network-public-1"],
        }),
        ask("ecs:UpdateService", ecs("service/durable-code-dev/durable-code-dev-backend"), on("dev")),
        ask("ecs:DeleteService", ecs("service/durable-code-dev/durable-code-dev-backend"), on("dev")),
    ],
    "aws:appautoscaling/target:Target": [
        ask("application-autoscaling:RegisterScalableTarget", "*", {
            "application-autoscaling:service-namespace": "ecs",
            ...creating("dev"),
        }),
        ask("application-autoscaling:TagResource", "*", creating("dev")),
        // After every create and read (terraform-provider-aws appautoscaling/target.go: @Tags, and its read sets none).
        ask("application-autoscaling:ListTagsForResource", SCALABLE_TARGET),
        ask("application-autoscaling:DeregisterScalableTarget", "*", {
            "application-autoscaling:service-namespace": "ecs",
        }),
    ],
    "aws:appautoscaling/policy:Policy": [
        ask("application-autoscaling:PutScalingPolicy", "*", { "application-autoscaling:service-namespace": "ecs" }),
        ask(
            "cloudwatch:PutMetricAlarm",
            `arn:aws:cloudwatch:us-west-2:${ACCOUNT}:alarm:TargetTracking-service/durable-code-dev/durable-code-dev-backend-AlarmHigh-1`,
        ),
        ask(
            "cloudwatch:DeleteAlarms",
            `arn:aws:cloudwatch:us-west-2:${ACCOUNT}:alarm:TargetTracking-service/durable-code-dev/durable-code-dev-backend-AlarmLow-1`,
        ),
        ask("application-autoscaling:DeleteScalingPolicy", "*", { "application-autoscaling:service-namespace": "ecs" }),
    ],
    // wakeOnRequest (runtime/wake.ts): runtime's own alarms, acting on its own services' step policies.
    "aws:cloudwatch/metricAlarm:MetricAlarm": [
        ask("cloudwatch:PutMetricAlarm", alarm("durable-code-dev-wake"), {
            ...creating("dev"),
            "cloudwatch:AlarmActions": [scalingPolicy("durable-code-dev", "durable-code-dev-frontend", "wake")],
        }),
        ask("cloudwatch:TagResource", alarm("durable-code-dev-wake"), creating("dev")),
        ask("cloudwatch:PutMetricAlarm", alarm("durable-code-dev-sleep"), {
            ...on("dev"),
            "cloudwatch:AlarmActions": [scalingPolicy("durable-code-dev", "durable-code-dev-backend", "sleep")],
        }),
        ask("cloudwatch:ListTagsForResource", alarm("durable-code-dev-sleep")),
        ask("cloudwatch:UntagResource", alarm("durable-code-dev-sleep"), {
            ...on("dev"),
            "aws:TagKeys": ["CostCenter"],
        }),
        ask("cloudwatch:DeleteAlarms", alarm("durable-code-dev-sleep"), on("dev")),
    ],
    "aws:route53/record:Record": [
        ask("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0MOCKZONE0001"),
        ask("route53:GetChange", "arn:aws:route53:::change/C1"),
    ],
    // A change of extraTags on running resources (runtime-prod is never torn down): only the changed keys
    // are sent (terraform-provider-aws, the services' generated updateTags: removed keys untagged,
    // changed ones tagged), never Project or Environment.
    "extraTags change": [
        ask("ec2:CreateTags", ec2("instance/i-1"), { ...on("dev"), "aws:TagKeys": ["CostCenter"] }),
        ask("ec2:DeleteTags", ec2("natgateway/nat-1"), { ...on("dev"), "aws:TagKeys": ["CostCenter"] }),
        ask("elasticloadbalancing:AddTags", elb("loadbalancer/app/durable-code-dev/1"), {
            ...on("dev"),
            "aws:TagKeys": ["CostCenter", "Team"],
        }),
        ask("elasticloadbalancing:RemoveTags", elb("targetgroup/be-1/1"), { ...on("dev"), "aws:TagKeys": ["Team"] }),
        ask("ecs:TagResource", ecs("service/durable-code-dev/durable-code-dev-backend"), {
            ...on("dev"),
            "aws:TagKeys": ["CostCenter"],
        }),
        ask("ecs:UntagResource", ecs("cluster/durable-code-dev"), { ...on("dev"), "aws:TagKeys": ["CostCenter"] }),
        // The NAT instance's profile (terraform-provider-aws iam/instance_profile.go: @Tags, resourceType InstanceProfile).
        ask("iam:TagInstanceProfile", NAT_INSTANCE_PROFILE, { "aws:TagKeys": ["CostCenter"] }),
        ask("iam:UntagInstanceProfile", NAT_INSTANCE_PROFILE, { "aws:TagKeys": ["CostCenter"] }),
    ],
    // The stack itself: its state and lock, base's outputs and the secrets of both; the images a
    // release checks for (release/release.ts) and runtime's lookup of its repositories.
    "pulumi:pulumi:Stack": [
        ask("ecr:DescribeRepositories", repository("durable-code-dev-backend")),
        ask("ecr:DescribeImages", repository("durable-code-dev-frontend")),
        ask("s3:GetObject", state(".pulumi/meta.yaml")),
        ask("s3:GetObject", state(".pulumi/stacks/durable-code/base-dev.json")),
        ask("s3:PutObject", state(".pulumi/stacks/durable-code/runtime-dev.json")),
        ask("s3:PutObject", state(".pulumi/stacks/durable-code/runtime-dev.json.bak")),
        ask(
            "s3:PutObject",
            state(".pulumi/history/durable-code/runtime-dev/runtime-dev-1764460000000000000.history.json"),
        ),
        ask("s3:PutObject", state(".pulumi/backups/durable-code/runtime-dev/runtime-dev.1764460000000000000.json")),
        ask("s3:PutObject", state(".pulumi/locks/organization/durable-code/runtime-dev/0b2f7a3e.json")),
        ask("s3:DeleteObject", state(".pulumi/locks/organization/durable-code/runtime-dev/0b2f7a3e.json")),
        ask("s3:ListBucket", `arn:aws:s3:::${STATE_BUCKET}`),
        ask("kms:Decrypt", SECRETS_KEY, secrets("dev")),
        ask("kms:Encrypt", SECRETS_KEY, secrets("dev")),
    ],
};

describe("each environment's access reaches its own environment only", () => {
    let base: Evaluation;
    let runtime: Evaluation;
    let deployStatements: any[];
    let boundary: string;
    before(async () => {
        ({ base, runtime } = await everythingOn());
        deployStatements = deployStatementsOf(base);
        boundary = single(base, "aws:iam/policy:Policy", "github-boundary").state.arn;
    });
    const deploy = (request: Request) => {
        const context = Object.fromEntries(
            Object.entries(request.context ?? {}).map(([key, value]) => [key, value === "BOUNDARY" ? boundary : value]),
        );
        return decision(deployStatements, {
            ...request,
            resource: request.resource === "BOUNDARY" ? boundary : request.resource,
            context,
        });
    };

    describe("dev's deploy role", () => {
        it("may do everything dev's runtime needs to come up and go down", () => {
            const refused = Object.values(RUNTIME_UP_AND_DOWN)
                .flat()
                .filter((request) => deploy(request) !== "allowed");
            assert.deepEqual(refused, []);
        });

        it("the list above covers every kind of resource runtime declares, and runtime tags each taggable one Project=durable-code, Environment=dev at creation", () => {
            const declared = [
                ...new Set(
                    runtime.resources
                        .filter(
                            (resource) => resource.type.startsWith("aws:") || resource.type === "pulumi:pulumi:Stack",
                        )
                        .map((resource) => resource.type),
                ),
            ];
            assert.deepEqual(
                declared.filter((type) => !RUNTIME_UP_AND_DOWN[type]),
                [],
            );
            const untagged = runtime.resources.filter(
                (resource) =>
                    "tags" in resource.inputs &&
                    !(resource.inputs.tags.Project === "durable-code" && resource.inputs.tags.Environment === "dev"),
            );
            assert.deepEqual(
                untagged.map((resource) => resource.name),
                [],
            );
            assert.deepEqual(single(runtime, "aws:ec2/instance:Instance").inputs.volumeTags.Environment, "dev");
            for (const service of ofType(runtime, TYPES.service))
                assert.deepEqual(service.inputs.networkConfiguration.subnets, DEV_PRIVATE_SUBNETS);
        });

        const denied: Array<[string, Request]> = [
            ["terminate prod's NAT instance", ask("ec2:TerminateInstances", ec2("instance/i-prod"), on("prod"))],
            ["delete a route in prod's route table", ask("ec2:DeleteRoute", ec2("route-table/rtb-prod"), on("prod"))],
            [
                "open prod's security group",
                ask("ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-prod"), on("prod")),
            ],
            [
                "delete prod's load balancer",
                ask("elasticloadbalancing:DeleteLoadBalancer", elb("loadbalancer/app/durable-code-prod/1"), on("prod")),
            ],
            [
                "change prod's listener",
                ask("elasticloadbalancing:ModifyListener", elb("listener/app/durable-code-prod/1/1"), on("prod")),
            ],
            [
                "update prod's service",
                ask("ecs:UpdateService", ecs("service/durable-code-prod/durable-code-prod-backend"), on("prod")),
            ],
            ["delete prod's cluster", ask("ecs:DeleteCluster", ecs("cluster/durable-code-prod"), on("prod"))],
            [
                "delete prod's scaling alarms",
                ask(
                    "cloudwatch:DeleteAlarms",
                    `arn:aws:cloudwatch:us-west-2:${ACCOUNT}:alarm:TargetTracking-service/durable-code-prod/durable-code-prod-backend-AlarmHigh-1`,
                ),
            ],
            [
                "create an alarm under staging's name",
                ask("cloudwatch:PutMetricAlarm", alarm("durable-code-staging-wake"), {
                    ...creating("dev"),
                    "cloudwatch:AlarmActions": [scalingPolicy("durable-code-dev", "durable-code-dev-frontend", "wake")],
                }),
            ],
            [
                "create its own alarm acting on staging's services",
                ask("cloudwatch:PutMetricAlarm", alarm("durable-code-dev-wake"), {
                    ...creating("dev"),
                    "cloudwatch:AlarmActions": [
                        scalingPolicy("durable-code-dev", "durable-code-dev-frontend", "wake"),
                        scalingPolicy("durable-code-staging", "durable-code-staging-frontend", "wake"),
                    ],
                }),
            ],
            [
                "change staging's wake alarm",
                ask("cloudwatch:PutMetricAlarm", alarm("durable-code-staging-wake"), {
                    ...on("staging"),
                    "cloudwatch:AlarmActions": [
                        scalingPolicy("durable-code-staging", "durable-code-staging-frontend", "wake"),
                    ],
                }),
            ],
            [
                "delete staging's sleep alarm",
                ask("cloudwatch:DeleteAlarms", alarm("durable-code-staging-sleep"), on("staging")),
            ],
            [
                "delete an alarm of its own name that another project's tags claim",
                ask("cloudwatch:DeleteAlarms", alarm("durable-code-dev-sleep"), on("dev", "billing")),
            ],
            [
                "remove Environment from its own wake alarm",
                ask("cloudwatch:UntagResource", alarm("durable-code-dev-wake"), {
                    ...on("dev"),
                    "aws:TagKeys": ["Environment"],
                }),
            ],
            [
                "terminate another project's dev instance",
                ask("ec2:TerminateInstances", ec2("instance/i-other"), on("dev", "billing")),
            ],
            [
                "delete another project's dev load balancer",
                ask(
                    "elasticloadbalancing:DeleteLoadBalancer",
                    elb("loadbalancer/app/billing-dev/1"),
                    on("dev", "billing"),
                ),
            ],
            [
                "update another project's dev service",
                ask("ecs:UpdateService", ecs("service/billing-dev/billing-dev-api"), on("dev", "billing")),
            ],
            ["launch an instance tagged prod", ask("ec2:RunInstances", ec2("instance/*"), creating("prod"))],
            ["allocate an address tagged prod", ask("ec2:AllocateAddress", ec2("elastic-ip/*"), creating("prod"))],
            [
                "create a load balancer tagged prod",
                ask("elasticloadbalancing:CreateLoadBalancer", elb("loadbalancer/app/x/*"), creating("prod")),
            ],
            ["create a cluster tagged prod", ask("ecs:CreateCluster", ecs("cluster/x"), creating("prod"))],
            [
                "create a service in prod's cluster, even tagged dev",
                ask("ecs:CreateService", ecs("service/durable-code-prod/x"), creating("dev")),
            ],
            [
                "create a service in its own cluster whose tasks run in prod's subnets",
                ask("ecs:CreateService", ecs("service/durable-code-dev/durable-code-dev-x"), {
                    ...creating("dev"),
                    "ecs:task-definition": ecs("task-definition/durable-code-dev-backend:1"),
                    "ecs:subnet": ["subnet-network-private-0", "subnet-prod-private-0"],
                }),
            ],
            [
                "create a service in its own cluster naming no subnets",
                ask("ecs:CreateService", ecs("service/durable-code-dev/durable-code-dev-x"), {
                    ...creating("dev"),
                    "ecs:task-definition": ecs("task-definition/durable-code-dev-backend:1"),
                }),
            ],
            [
                "create a service in its own cluster running prod's task definition",
                ask("ecs:CreateService", ecs("service/durable-code-dev/durable-code-dev-x"), {
                    ...creating("dev"),
                    "ecs:task-definition": ecs("task-definition/durable-code-prod-backend:4"),
                    "ecs:subnet": DEV_PRIVATE_SUBNETS,
                }),
            ],
            [
                "move its own service into prod's subnets",
                ask("ecs:UpdateService", ecs("service/durable-code-dev/durable-code-dev-backend"), {
                    ...on("dev"),
                    "ecs:subnet": ["subnet-prod-private-0"],
                }),
            ],
            [
                "point its own service at another project's task definition",
                ask("ecs:UpdateService", ecs("service/durable-code-dev/durable-code-dev-backend"), {
                    ...on("dev"),
                    "ecs:task-definition": ecs("task-definition/billing-dev-api:3"),
                }),
            ],
            [
                "register a task definition into prod's family, even tagged dev",
                ask("ecs:RegisterTaskDefinition", ecs("task-definition/durable-code-prod-backend:5"), creating("dev")),
            ],
            [
                "add a listener to prod's load balancer, even tagged dev",
                ask("elasticloadbalancing:CreateListener", elb("loadbalancer/app/durable-code-prod/1"), {
                    ...creating("dev"),
                    ...on("prod"),
                }),
            ],
            [
                "tag a new instance prod",
                ask("ec2:CreateTags", ec2("instance/*"), { ...creating("prod"), "ec2:CreateAction": "RunInstances" }),
            ],
            [
                "change a tag of prod's service",
                ask("ecs:TagResource", ecs("service/durable-code-prod/durable-code-prod-backend"), {
                    ...on("prod"),
                    "aws:TagKeys": ["CostCenter"],
                }),
            ],
            [
                "move its own service into prod by its Environment tag",
                ask("ecs:TagResource", ecs("service/durable-code-dev/durable-code-dev-backend"), {
                    ...on("dev"),
                    "aws:RequestTag/Environment": "prod",
                    "aws:TagKeys": ["Environment"],
                }),
            ],
            [
                "remove Project from its own load balancer",
                ask("elasticloadbalancing:RemoveTags", elb("loadbalancer/app/durable-code-dev/1"), {
                    ...on("dev"),
                    "aws:TagKeys": ["CostCenter", "Project"],
                }),
            ],
            [
                "deregister prod's scalable target where the request carries prod's tags",
                ask("application-autoscaling:DeregisterScalableTarget", "*", {
                    "application-autoscaling:service-namespace": "ecs",
                    ...on("prod"),
                }),
            ],
            [
                "delete another project's scaling policy where the request carries its tags",
                ask("application-autoscaling:DeleteScalingPolicy", "*", {
                    "application-autoscaling:service-namespace": "ecs",
                    ...on("dev", "billing"),
                }),
            ],
            [
                "retag a live resource (no create)",
                ask("ec2:CreateTags", ec2("instance/i-prod"), { ...creating("dev"), ...on("prod") }),
            ],
            [
                "launch from an image someone else owns",
                ask("ec2:RunInstances", "arn:aws:ec2:us-west-2::image/ami-0badbadbad", { "ec2:Owner": "210987654321" }),
            ],
            [
                "change records in prod's zone",
                ask("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0PRODZONE0001"),
            ],
            ["read prod's runtime state", ask("s3:GetObject", state(".pulumi/stacks/durable-code/runtime-prod.json"))],
            [
                "overwrite prod's runtime state",
                ask("s3:PutObject", state(".pulumi/stacks/durable-code/runtime-prod.json")),
            ],
            ["read base-prod's state", ask("s3:GetObject", state(".pulumi/stacks/durable-code/base-prod.json.gz"))],
            [
                "delete prod's history",
                ask("s3:DeleteObject", state(".pulumi/history/durable-code/runtime-prod/runtime-prod-1.history.json")),
            ],
            [
                "clear prod's lock",
                ask("s3:DeleteObject", state(".pulumi/locks/organization/durable-code/runtime-prod/0b2f7a3e.json")),
            ],
            [
                "write base-dev's state (base is deployed by people)",
                ask("s3:PutObject", state(".pulumi/stacks/durable-code/base-dev.json")),
            ],
            ["decrypt prod's secrets", ask("kms:Decrypt", SECRETS_KEY, secrets("prod"))],
            ["decrypt without an environment's context", ask("kms:Decrypt", SECRETS_KEY)],
            [
                "rewrite the image publisher's trust",
                ask("iam:UpdateAssumeRolePolicy", role("durable-code-dev-image-publisher")),
            ],
            ["delete the preview role", ask("iam:DeleteRole", role("durable-code-dev-github-preview"))],
            [
                "pass the preview role to a task",
                ask("iam:PassRole", role("durable-code-dev-github-preview"), {
                    "iam:PassedToService": "ecs-tasks.amazonaws.com",
                }),
            ],
            [
                "write its own policy",
                ask("iam:PutRolePolicy", role("durable-code-dev-github-deploy"), {
                    "iam:PermissionsBoundary": "BOUNDARY",
                }),
            ],
            [
                "create a role on prod's runtime path",
                ask("iam:CreateRole", role("durable-code/prod/runtime/durable-code-prod-execution"), {
                    "iam:PermissionsBoundary": "BOUNDARY",
                }),
            ],
            [
                "create a role on its own path under staging's name (role names are the account's)",
                ask("iam:CreateRole", role("durable-code/dev/runtime/durable-code-staging-execution"), {
                    "iam:PermissionsBoundary": "BOUNDARY",
                }),
            ],
            [
                "create a load balancer under prod's name, even tagged dev",
                ask(
                    "elasticloadbalancing:CreateLoadBalancer",
                    elb("loadbalancer/app/durable-code-prod/*"),
                    creating("dev"),
                ),
            ],
            [
                "create a cluster under prod's name, even tagged dev",
                ask("ecs:CreateCluster", ecs("cluster/durable-code-prod"), creating("dev")),
            ],
            [
                "create a service in its own cluster under another project's name",
                ask("ecs:CreateService", ecs("service/durable-code-dev/billing-dev-api"), {
                    ...creating("dev"),
                    "ecs:task-definition": ecs("task-definition/durable-code-dev-backend:1"),
                    "ecs:subnet": DEV_PRIVATE_SUBNETS,
                }),
            ],
            [
                "create a runtime role without the boundary",
                ask("iam:CreateRole", role("durable-code/dev/runtime/durable-code-dev-execution")),
            ],
            ["pull prod's images", ask("ecr:BatchGetImage", repository("durable-code-prod-backend"))],
            [
                "fetch a layer of prod's images",
                ask("ecr:GetDownloadUrlForLayer", repository("durable-code-prod-backend")),
            ],
            ["read another project's images", ask("ecr:GetDownloadUrlForLayer", repository("billing-dev-api"))],
            [
                "read the console of prod's NAT instance",
                ask("ec2:GetConsoleOutput", ec2("instance/i-prod"), on("prod")),
            ],
            [
                "read the password data of another project's instance",
                ask("ec2:GetPasswordData", ec2("instance/i-other"), on("dev", "billing")),
            ],
            [
                "read a parameter outside the AMI path",
                ask(
                    "ssm:GetParameter",
                    `arn:aws:ssm:us-west-2:${ACCOUNT}:parameter/durable-code/prod/database-password`,
                ),
            ],
            [
                "read another public parameter",
                ask(
                    "ssm:GetParameter",
                    "arn:aws:ssm:us-west-2::parameter/aws/service/ecs/optimized-ami/amazon-linux-2/recommended",
                ),
            ],
        ];
        for (const [what, request] of denied) {
            it(`may not ${what}`, () => assert.notEqual(deploy(request), "allowed"));
        }

        it("is asked only with the keys the Service Authorization Reference lists for each action", async () => {
            const requests = [...Object.values(RUNTIME_UP_AND_DOWN).flat(), ...denied.map(([, request]) => request)];
            assert.deepEqual(await requestProblems(requests), []);
        });

        it("with wakeOnRequest, may create each alarm runtime declares as declared (its name, tags and actions) and each step policy, and the table covers every type", async () => {
            const wake = await evaluateEnvironment("dev", {
                base: { frontDoor: "http-api" },
                runtime: { frontDoor: "http-api", egress: "public-ip", wakeOnRequest: "true" },
            });
            const declared = [
                ...new Set(
                    wake.runtime.resources.filter((resource) => resource.type.startsWith("aws:")).map((r) => r.type),
                ),
            ];
            assert.deepEqual(
                declared.filter(
                    (type) =>
                        !RUNTIME_UP_AND_DOWN[type] &&
                        !type.startsWith("aws:apigatewayv2/") &&
                        type !== TYPES.cloudMapService,
                ),
                [],
            );
            const alarms = ofType(wake.runtime, TYPES.metricAlarm);
            assert.equal(alarms.length, 2);
            const creates = alarms.map((declaredAlarm) =>
                ask("cloudwatch:PutMetricAlarm", alarm(declaredAlarm.inputs.name), {
                    ...creating(declaredAlarm.inputs.tags.Environment, declaredAlarm.inputs.tags.Project),
                    "cloudwatch:AlarmActions": declaredAlarm.inputs.alarmActions,
                }),
            );
            assert.deepEqual(
                creates.filter((request) => deploy(request) !== "allowed"),
                [],
            );
            for (const policy of ofType(wake.runtime, TYPES.scalingPolicy))
                assert.equal(
                    deploy(
                        ask("application-autoscaling:PutScalingPolicy", "*", {
                            "application-autoscaling:service-namespace": policy.inputs.serviceNamespace,
                        }),
                    ),
                    "allowed",
                );
        });

        it("never assumes a role it created, whatever trust it gave the role (explicitly denied)", () => {
            assert.equal(
                deploy(ask("sts:AssumeRole", role("durable-code/dev/runtime/durable-code-dev-execution"))),
                "denied",
            );
        });
    });

    describe("dev's deploy role with front door http-api", () => {
        const apigateway = (path: string) => `arn:aws:apigateway:us-west-2::${path}`;
        const cloudMap = (what: string) => `arn:aws:servicediscovery:us-west-2:${ACCOUNT}:${what}`;
        const API_TAGS = "/tags/arn%3Aaws%3Aapigateway%3Aus-west-2%3A%3A%2Fapis%2Fa1b2c3";
        /** The fake cloud's hosted zone for base's Cloud Map namespace. */
        const NAMESPACE_ZONE = "Z0MOCKNAMESPACE1";
        let statements: any[];
        let httpApiBoundary: string;
        let namespaceArn: string;
        /** The table's requests name the boundary as BOUNDARY. */
        const withBoundary = (request: Request): Request => ({
            ...request,
            resource: request.resource === "BOUNDARY" ? httpApiBoundary : request.resource,
            context: Object.fromEntries(
                Object.entries(request.context ?? {}).map(([key, value]) => [
                    key,
                    value === "BOUNDARY" ? httpApiBoundary : value,
                ]),
            ),
        });
        let albStatements: any[];
        before(async () => {
            const access = {
                domain: "example.com",
                dnsDelegated: "true",
                githubRepository: "acme/durable-code",
                stateBucket: STATE_BUCKET,
            };
            const base = await evaluateStack(
                "base-dev",
                stackConfig("base-dev", { ...access, frontDoor: "http-api" }),
                fakeCloud(),
            );
            statements = deployStatementsOf(base);
            httpApiBoundary = single(base, "aws:iam/policy:Policy", "github-boundary").state.arn;
            namespaceArn = single(base, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").state.arn;
            const alb = await evaluateStack(
                "base-dev",
                stackConfig("base-dev", { ...access, frontDoor: "alb" }),
                fakeCloud(),
            );
            albStatements = deployStatementsOf(alb);
        });
        // What runtime does to the API and Cloud Map coming up and going down (API Gateway's IAM
        // actions are its HTTP verbs on the resource's path: API Gateway developer guide, "Control access
        // to an HTTP API with IAM"; Cloud Map's are its API names).
        const upAndDown = () => [
            ask("apigateway:POST", apigateway("/apis"), creating("dev")),
            ask(
                "apigateway:PUT",
                apigateway("/tags/arn%3Aaws%3Aapigateway%3Aus-west-2%3A%3A%2Fapis%2Fa1b2c3"),
                creating("dev"),
            ),
            ask("apigateway:POST", apigateway(API_TAGS), {
                ...creating("dev"),
                "aws:TagKeys": ["Project", "Environment"],
            }),
            ask("apigateway:POST", apigateway("/apis/a1b2c3/integrations")),
            ask("apigateway:POST", apigateway("/apis/a1b2c3/routes")),
            ask("apigateway:POST", apigateway("/apis/a1b2c3/stages"), creating("dev")),
            // The stage's access log into base's log group (API Gateway developer guide, "Configure
            // logging for HTTP APIs": the caller sets up the log delivery).
            ask("apigateway:PATCH", apigateway("/apis/a1b2c3/stages/$default"), on("dev")),
            ask("logs:CreateLogDelivery", "*"),
            ask("logs:PutResourcePolicy", "*"),
            ask("logs:DescribeLogGroups", "*"),
            ask("apigateway:DELETE", apigateway("/apis/a1b2c3/routes/r1")),
            ask("apigateway:DELETE", apigateway("/apis/a1b2c3/integrations/i1")),
            ask("apigateway:DELETE", apigateway("/apis/a1b2c3"), on("dev")),
            ask("apigateway:GET", apigateway("/apis/a1b2c3")),
            ask("apigateway:GET", apigateway("/vpclinks/v1")),
            ask("apigateway:POST", apigateway("/domainnames"), creating("dev")),
            ask("apigateway:POST", apigateway("/domainnames/api.dev.example.com/apimappings")),
            ask("apigateway:DELETE", apigateway("/domainnames/dev.example.com")),
            ask(
                "iam:CreateServiceLinkedRole",
                role("aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway"),
                { "iam:AWSServiceName": "ops.apigateway.amazonaws.com" },
            ),
            ask("servicediscovery:CreateService", cloudMap("service/*"), {
                ...creating("dev"),
                "servicediscovery:NamespaceArn": namespaceArn,
            }),
            ask("servicediscovery:TagResource", cloudMap("service/srv-1"), creating("dev")),
            ask("servicediscovery:GetService", cloudMap("service/srv-1")),
            ask("servicediscovery:GetOperation", cloudMap("namespace/ns-1")),
            // The nightly destroy deregisters what is left, which changes the namespace's own records.
            ask("servicediscovery:DeregisterInstance", cloudMap("service/srv-1"), on("dev")),
            ask("route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${NAMESPACE_ZONE}`),
            ask("servicediscovery:DeleteService", cloudMap("service/srv-1"), on("dev")),
            // extraTags changed on a running Cloud Map service: the changed keys tagged, the removed untagged.
            ask("servicediscovery:TagResource", cloudMap("service/srv-1"), {
                "aws:RequestTag/CostCenter": "42",
                "aws:TagKeys": ["CostCenter"],
            }),
            ask("servicediscovery:UntagResource", cloudMap("service/srv-1"), { "aws:TagKeys": ["CostCenter"] }),
            // extraTags changed on the running API: HTTP APIs are API Gateway V2's, whose TagResource is
            // POST /v2/tags/<arn> and UntagResource DELETE (the AWS SDK's apigatewayv2 model).
            ask("apigateway:POST", apigateway(API_TAGS), {
                "aws:RequestTag/CostCenter": "42",
                "aws:TagKeys": ["CostCenter"],
            }),
            ask("apigateway:DELETE", apigateway(API_TAGS), { "aws:TagKeys": ["CostCenter"] }),
        ];

        it("may do everything the HTTP API front door needs to come up and go down", () => {
            assert.deepEqual(
                upAndDown().filter((request) => decision(statements, request) !== "allowed"),
                [],
            );
        });

        const denied: Array<[string, () => Request]> = [
            ["create an HTTP API tagged prod", () => ask("apigateway:POST", apigateway("/apis"), creating("prod"))],
            [
                "create a custom domain tagged prod",
                () => ask("apigateway:POST", apigateway("/domainnames"), creating("prod")),
            ],
            [
                "delete prod's custom domain (the apex)",
                () => ask("apigateway:DELETE", apigateway("/domainnames/example.com")),
            ],
            [
                "map prod's custom domain to an API",
                () => ask("apigateway:POST", apigateway("/domainnames/api.example.com/apimappings")),
            ],
            ["change a REST API", () => ask("apigateway:PATCH", apigateway("/restapis/r1"))],
            [
                "create a Cloud Map service tagged prod",
                () =>
                    ask("servicediscovery:CreateService", cloudMap("service/*"), {
                        ...creating("prod"),
                        "servicediscovery:NamespaceArn": namespaceArn,
                    }),
            ],
            [
                "create a Cloud Map service in another namespace",
                () =>
                    ask("servicediscovery:CreateService", cloudMap("service/*"), {
                        ...creating("dev"),
                        "servicediscovery:NamespaceArn": cloudMap("namespace/ns-prod"),
                    }),
            ],
            ["delete a Cloud Map namespace", () => ask("servicediscovery:DeleteNamespace", cloudMap("namespace/ns-1"))],
            ["delete prod's HTTP API", () => ask("apigateway:DELETE", apigateway("/apis/p1"), on("prod"))],
            [
                "change another project's HTTP API",
                () => ask("apigateway:PATCH", apigateway("/apis/b1"), on("dev", "billing")),
            ],
            [
                "change a route of prod's HTTP API where the request carries prod's tags",
                () => ask("apigateway:PATCH", apigateway("/apis/p1/routes/r1"), on("prod")),
            ],
            [
                "change prod's stage where the request carries prod's tags",
                () => ask("apigateway:PATCH", apigateway("/apis/p1/stages/$default"), on("prod")),
            ],
            ["read an API key, value included", () => ask("apigateway:GET", apigateway("/apikeys/k1"))],
            [
                "remove Environment from its own API",
                () => ask("apigateway:DELETE", apigateway(API_TAGS), { "aws:TagKeys": ["Environment"] }),
            ],
            [
                "retag prod's API where the request carries prod's tags",
                () =>
                    ask("apigateway:PUT", apigateway("/tags/arn%3Aaws%3Aapigateway%3Aus-west-2%3A%3A%2Fapis%2Fp1"), {
                        ...creating("dev"),
                        ...on("prod"),
                    }),
            ],
            ["list API keys", () => ask("apigateway:GET", apigateway("/apikeys"))],
            [
                "create a VPC link, even tagged dev",
                () => ask("apigateway:POST", apigateway("/vpclinks"), creating("dev")),
            ],
            [
                "create a REST API, even tagged dev",
                () => ask("apigateway:POST", apigateway("/restapis"), creating("dev")),
            ],
            [
                "create an HTTP API tagged for another project",
                () => ask("apigateway:POST", apigateway("/apis"), creating("dev", "billing")),
            ],
            [
                "delete prod's Cloud Map service",
                () => ask("servicediscovery:DeleteService", cloudMap("service/srv-prod"), on("prod")),
            ],
            [
                "delete an untagged Cloud Map service",
                () => ask("servicediscovery:DeleteService", cloudMap("service/srv-other")),
            ],
            [
                "deregister a task from another project's Cloud Map service",
                () => ask("servicediscovery:DeregisterInstance", cloudMap("service/srv-b"), on("dev", "billing")),
            ],
            [
                "change Environment on a running API (V2's TagResource)",
                () =>
                    ask("apigateway:POST", apigateway(API_TAGS), {
                        "aws:RequestTag/Environment": "prod",
                        "aws:TagKeys": ["Environment"],
                    }),
            ],
            [
                "map a custom domain two labels below its zone (another's zone delegated there)",
                () => ask("apigateway:POST", apigateway("/domainnames/api.team.dev.example.com/apimappings")),
            ],
            [
                "delete a custom domain two labels below its zone",
                () => ask("apigateway:DELETE", apigateway("/domainnames/www.team.dev.example.com")),
            ],
            [
                "remove Environment from a Cloud Map service",
                () =>
                    ask("servicediscovery:UntagResource", cloudMap("service/srv-1"), {
                        "aws:TagKeys": ["Environment"],
                    }),
            ],
            [
                "tag a running Cloud Map service Environment=prod",
                () =>
                    ask("servicediscovery:TagResource", cloudMap("service/srv-prod"), {
                        "aws:RequestTag/Environment": "prod",
                        "aws:TagKeys": ["Environment"],
                    }),
            ],
            // Reviews run beside dev's runtime under the review role (test/review-access.spec.ts asks the rest).
            [
                "map a review's custom domain, one label below dev's zone",
                () => ask("apigateway:POST", apigateway("/domainnames/pr-7.dev.example.com/apimappings")),
            ],
            [
                "delete a review's API custom domain",
                () => ask("apigateway:DELETE", apigateway("/domainnames/api-pr-7.dev.example.com")),
            ],
            [
                "change records in another hosted zone",
                () => ask("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0OTHERNAMESPACE"),
            ],
        ];
        for (const [what, request] of denied) {
            it(`may not ${what}`, () => assert.notEqual(decision(statements, request()), "allowed"));
        }

        it("may do everything else runtime needs to come up, change a tag and go down, as with the load balancer", () => {
            const rest = Object.entries(RUNTIME_UP_AND_DOWN)
                .filter(([type]) => !type.startsWith("aws:lb/"))
                .flatMap(([, requests]) => requests)
                // This base has no secrets key.
                .filter((request) => !request.action.startsWith("kms:"));
            assert.deepEqual(
                rest.filter((request) => decision(statements, withBoundary(request)) !== "allowed"),
                [],
            );
        });

        it("with its zone at the domain's apex, never reaches the custom domains of the other environments' zones below it", async () => {
            const apex = await evaluateStack(
                "base-dev",
                stackConfig("base-dev", {
                    domain: "example.com",
                    zoneName: "example.com",
                    githubRepository: "acme/durable-code",
                    stateBucket: STATE_BUCKET,
                    frontDoor: "http-api",
                }),
                fakeCloud(),
            );
            const apexStatements = deployStatementsOf(apex);
            const others = [
                ask("apigateway:POST", apigateway("/domainnames/staging.example.com/apimappings")),
                ask("apigateway:DELETE", apigateway("/domainnames/staging.example.com")),
                ask("apigateway:PATCH", apigateway("/domainnames/api.staging.example.com")),
            ];
            assert.deepEqual(
                others.filter((request) => decision(apexStatements, request) === "allowed"),
                [],
            );
            const own = [
                ask("apigateway:POST", apigateway("/domainnames/api.example.com/apimappings")),
                ask("apigateway:DELETE", apigateway("/domainnames/example.com")),
            ];
            assert.deepEqual(
                own.filter((request) => decision(apexStatements, request) !== "allowed"),
                [],
            );
        });

        it("is granted none of it with the load balancer: no API Gateway or Cloud Map writes, no API Gateway service-linked role", () => {
            assert.deepEqual(
                upAndDown().filter(
                    (request) =>
                        !request.action.endsWith(":GET") &&
                        !/:(Get|Describe)/.test(request.action) &&
                        decision(albStatements, request) === "allowed",
                ),
                [],
            );
        });

        it("names only actions and condition keys the Service Authorization Reference has", async () => {
            assert.deepEqual(await catalogProblems("github-deploy (http-api)", statements), []);
        });

        it("is asked only with the keys the Service Authorization Reference lists for each action", async () => {
            const requests = [...upAndDown(), ...denied.map(([, request]) => request())];
            assert.deepEqual(await requestProblems(requests), []);
        });
    });

    it("a stack file may pin its account, so a stack cannot be deployed with another account's credentials", async () => {
        // `pulumi config set --path 'aws:allowedAccountIds[0]' ...` writes a list; the AWS provider refuses any other account.
        const pinned = stackConfig("runtime-prod", { "aws:allowedAccountIds": '["210987654321"]' });
        assert.equal(
            loadConfig(parseStackName("runtime-prod"), pinned, {
                project: "durable-code",
                organization: "organization",
            }).env,
            "prod",
        );
    });

    describe("the pull-request preview role", () => {
        let devOnly: any[];
        let withStaging: any[];
        before(async () => {
            const defaults = await evaluateStack(
                "base-dev",
                stackConfig("base-dev", {
                    githubRepository: "acme/durable-code",
                    stateBucket: STATE_BUCKET,
                    secretsKeyArn: SECRETS_KEY,
                }),
                fakeCloud(),
            );
            devOnly = JSON.parse(single(defaults, TYPES.rolePolicy, "github-preview").state.policy).Statement;
            withStaging = JSON.parse(single(base, TYPES.rolePolicy, "github-preview").state.policy).Statement;
        });
        const reads = (env: string) => [
            ask("s3:GetObject", state(`.pulumi/stacks/durable-code/base-${env}.json`)),
            ask("s3:GetObject", state(`.pulumi/stacks/durable-code/runtime-${env}.json.zst`)),
            ask("kms:Decrypt", SECRETS_KEY, secrets(env)),
        ];

        it("reads dev's state and secrets, the backend's meta.yaml and what the programs look up", () => {
            const requests = [
                ...reads("dev"),
                ask("s3:GetObject", state(".pulumi/meta.yaml")),
                ask("ec2:DescribeVpcs", "*"),
                ask("apigateway:GET", "arn:aws:apigateway:us-west-2::/apis/a1b2c3"),
                ask(
                    "ssm:GetParameter",
                    "arn:aws:ssm:us-west-2::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64",
                ),
            ];
            assert.deepEqual(
                requests.filter((request) => decision(devOnly, request) !== "allowed"),
                [],
            );
        });

        it("reads the tags a refresh of dev's runtime reads where Describe* does not: scalable targets' and alarms'", () => {
            const requests = [
                ask("application-autoscaling:ListTagsForResource", SCALABLE_TARGET),
                ask("cloudwatch:ListTagsForResource", alarm("durable-code-dev-wake")),
            ];
            assert.deepEqual(
                requests.filter((request) => decision(devOnly, request) !== "allowed"),
                [],
            );
        });

        it("reads no staging or prod state by default, and never prod's", () => {
            assert.deepEqual(
                reads("staging").filter((request) => decision(devOnly, request) === "allowed"),
                [],
            );
            assert.deepEqual(
                reads("prod").filter((request) => decision(devOnly, request) === "allowed"),
                [],
            );
            assert.deepEqual(
                reads("staging").filter((request) => decision(withStaging, request) !== "allowed"),
                [],
            );
            assert.deepEqual(
                reads("prod").filter((request) => decision(withStaging, request) === "allowed"),
                [],
            );
        });

        it("writes nothing, locks nothing, reads no parameter outside the AMI path and no API key", () => {
            const requests = [
                ask("s3:PutObject", state(".pulumi/stacks/durable-code/runtime-dev.json")),
                ask("s3:PutObject", state(".pulumi/locks/organization/durable-code/runtime-dev/0b2f7a3e.json")),
                ask("s3:GetObject", state(".pulumi/history/durable-code/runtime-dev/runtime-dev-1.checkpoint.json")),
                ask("kms:Encrypt", SECRETS_KEY, secrets("dev")),
                ask(
                    "ssm:GetParameter",
                    `arn:aws:ssm:us-west-2:${ACCOUNT}:parameter/durable-code/dev/database-password`,
                ),
                ask("ec2:TerminateInstances", ec2("instance/i-1"), on("dev")),
                ask("apigateway:GET", "arn:aws:apigateway:us-west-2::/apikeys/k1"),
            ];
            assert.deepEqual(
                requests.filter((request) => decision(withStaging, request) === "allowed"),
                [],
            );
        });

        it("exists in no base but dev's unless configured, and no role of base-prod trusts a pull request", async () => {
            const prod = await evaluateStack(
                "base-prod",
                stackConfig("base-prod", { githubRepository: "acme/durable-code", stateBucket: STATE_BUCKET }),
                fakeCloud(),
            );
            const subjects = ofType(prod, TYPES.role).map((created) =>
                JSON.stringify(JSON.parse(created.inputs.assumeRolePolicy).Statement[0].Condition),
            );
            assert.deepEqual(subjects, [
                '{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/durable-code:environment:prod"}}',
            ]);
            assert.equal(prod.outputs.previewRoleArn, undefined);
        });

        const refusals: Array<[string, Record<string, string>, string]> = [
            [
                "base-dev",
                { previewEnvironments: '["dev", "prod"]' },
                "base-dev: durable-code:previewEnvironments[1] is prod, which is production-like and which no pull request may read: a pull request presents one subject to every environment's roles; prod's preview runs on main through its reviewed environment; change it in Pulumi.base-dev.yaml",
            ],
            [
                "base-prod",
                { previewEnvironments: '["staging"]' },
                "base-prod: durable-code:previewEnvironments: prod is production-like, and no role of base-prod may trust pull requests, which present one subject to every environment; set it in the base stack file of an environment that is not production-like; change it in Pulumi.base-prod.yaml",
            ],
        ];
        for (const [stack, settings, message] of refusals) {
            it(`refuses ${JSON.stringify(settings)} in ${stack}`, () => {
                const config = stackConfig(stack, {
                    githubRepository: "acme/durable-code",
                    stateBucket: STATE_BUCKET,
                    ...settings,
                });
                assert.throws(
                    () =>
                        loadConfig(parseStackName(stack), config, {
                            project: "durable-code",
                            organization: "organization",
                        }),
                    { message },
                );
            });
        }
    });
});
