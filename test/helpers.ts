import { strict as assert } from "assert";
import { DeclaredResource, Evaluation, EvaluationError } from "../offline/engine";

export const TYPES = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    eip: "aws:ec2/eip:Eip",
    natGateway: "aws:ec2/natGateway:NatGateway",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    repository: "aws:ecr/repository:Repository",
    lifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    zone: "aws:route53/zone:Zone",
    record: "aws:route53/record:Record",
    certificate: "aws:acm/certificate:Certificate",
    certificateValidation: "aws:acm/certificateValidation:CertificateValidation",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    cluster: "aws:ecs/cluster:Cluster",
    capacityProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    service: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    stackReference: "pulumi:pulumi:StackReference",
} as const;

export function ofType(evaluation: Evaluation, type: string): DeclaredResource[] {
    return evaluation.resources.filter((resource) => resource.type === type);
}

/** The list, after asserting it has something in it: a loop or `.every()` over an empty list checks nothing. */
export function nonEmpty<T>(list: T[]): T[] {
    assert.ok(list.length > 0, "expected at least one");
    return list;
}

/** The one resource of a type (and logical name, when given); fails if there are none or several. */
export function single(evaluation: Evaluation, type: string, name?: string): DeclaredResource {
    const matches = ofType(evaluation, type).filter((resource) => name === undefined || resource.name === name);
    if (matches.length !== 1) {
        throw new Error(
            `expected one ${type}${name ? ` named ${name}` : ""} in ${evaluation.stack}, found ${matches.length}`,
        );
    }
    return matches[0];
}

/** Type tokens are `<package>:<module>/<name>:<Name>`; the module says which AWS service a resource belongs to. */
export function awsModule(type: string): string {
    return type.split(":")[1]?.split("/")[0] ?? "";
}

export function containerDefinitions(taskDefinition: DeclaredResource): any[] {
    return JSON.parse(taskDefinition.inputs.containerDefinitions);
}

/** The error a program evaluation fails with; fails the test if it succeeds. */
export function failureOf(evaluation: Promise<unknown>): Promise<EvaluationError> {
    return evaluation.then(
        () => assert.fail("expected the program to fail"),
        (error) => error,
    );
}
