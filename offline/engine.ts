import * as pulumi from "@pulumi/pulumi";
import { suppressStackTraces } from "./stack-traces";
import { inTurn } from "./turns";
import { TYPES } from "../shared/resource-types";

/**
 * Evaluates the real program (index.ts) for one stack with Pulumi's mock engine: no CLI, no cloud.
 * Tests, the cost model and the policy checks all read what a stack declares from here.
 */

export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly id: string;
    readonly inputs: Record<string, any>;
    /** Inputs plus what AWS would compute (arn, urls, dns names). */
    readonly state: Record<string, any>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly ignoreChanges: readonly string[];
    readonly dependencies: readonly string[];
    readonly parent: string;
}

export interface Invoke {
    readonly token: string;
    readonly inputs: Record<string, any>;
}

/** Stands in for AWS and the state backend: answers invokes and StackReferences. */
export interface CloudDouble {
    invoke(token: string, inputs: Record<string, any>): Record<string, any>;
    /** A stack's outputs, or undefined when no such stack exists. */
    stackOutputs(fullName: string): Record<string, unknown> | undefined;
}

export interface Evaluation {
    readonly stack: string;
    readonly resources: DeclaredResource[];
    readonly invokes: Invoke[];
    readonly outputs: Record<string, any>;
}

/** The program failed; `resources` holds what it had registered before it did. */
export class EvaluationError extends Error {
    constructor(
        readonly cause: Error,
        readonly resources: DeclaredResource[],
    ) {
        super(cause.message);
    }
}

export const MOCK_ACCOUNT = "123456789012";

/** API Gateway's regional hosted zones, which a custom domain's alias records name (AWS general reference, "API Gateway endpoints"). */
const API_GATEWAY_ZONES: Readonly<Record<string, string>> = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-west-2": "Z2OJLYMUO9EFXC",
};
export const MOCK_ORGANIZATION = "organization";
const PROJECT = "durable-code";

/** Evaluations may be started together: they run one after another (offline/turns.ts), each as if alone. */
export function evaluateStack(stack: string, config: Record<string, string>, cloud: CloudDouble): Promise<Evaluation> {
    return inTurn([suppressStackTraces], () => evaluate(stack, config, cloud));
}

async function evaluate(stack: string, config: Record<string, string>, cloud: CloudDouble): Promise<Evaluation> {
    const resources: DeclaredResource[] = [];
    const invokes: Invoke[] = [];
    const region = config["aws:region"] ?? "us-west-2";
    const options = new Map<string, Omit<DeclaredResource, "type" | "name" | "id" | "inputs" | "state">>();

    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const inputs = args.inputs as Record<string, any>;
                const result = mockResult(args.type, args.name, inputs, region, cloud);
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs,
                    ...result,
                    ...options.get(`${args.type}::${args.name}`)!,
                });
                return result;
            },
            call(args) {
                invokes.push({ token: args.token, inputs: args.inputs });
                try {
                    return cloud.invoke(args.token, args.inputs);
                } catch (error) {
                    throw asProviderFailure(args.token, error);
                }
            },
        },
        PROJECT,
        stack,
        false,
        MOCK_ORGANIZATION,
    );
    recordOptions(options);
    pulumi.runtime.setAllConfig(config);

    try {
        // Loaded only now: the program must load after setMocks. A require, as the CommonJS that
        // pulumi up runs: under "module": "node16" an import() here would stay an ES module import.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program: typeof import("../index") = require("../index");
        const outputs = await program();
        const resolved = await new Promise<Record<string, any>>((resolve) =>
            pulumi.output(outputs).apply((value) => resolve(value as Record<string, any>)),
        );
        await waitForRegistrations();
        return { stack, resources, invokes, outputs: resolved };
    } catch (error) {
        await waitForRegistrations().catch(() => undefined);
        throw new EvaluationError(error instanceof Error ? error : new Error(String(error)), resources);
    }
}

/** Resource options are not passed to mocks; read them off the registration request instead. */
function recordOptions(
    options: Map<string, Omit<DeclaredResource, "type" | "name" | "id" | "inputs" | "state">>,
): void {
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: unknown) => {
        options.set(`${request.getType()}::${request.getName()}`, {
            protect: request.getProtect() === true,
            retainOnDelete: request.getRetainondelete() === true,
            ignoreChanges: request.getIgnorechangesList(),
            dependencies: request.getDependenciesList(),
            parent: request.getParent(),
        });
        return register(request, callback);
    };
}

/**
 * A failed invoke reaches the program as `new Error(grpcError.details)` (the SDK's runtime/invoke.js);
 * the provider words it as below. An error the mock throws has no `details`, so without this the
 * program would see an empty message where the real engine gives the provider's reason.
 */
function asProviderFailure(token: string, error: unknown): Error {
    const reason = error instanceof Error ? error.message : String(error);
    return Object.assign(new Error(reason), {
        details: `invocation of ${token} returned an error: invoking ${token}: 1 error occurred:\n\t* ${reason}`,
    });
}

async function waitForRegistrations(): Promise<void> {
    // Registrations finish asynchronously after the program returns; the SDK's own drain (not in its
    // typings) waits for them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings");
    await settings.waitForRPCs();
}

function mockResult(
    type: string,
    name: string,
    inputs: Record<string, any>,
    region: string,
    cloud: CloudDouble,
): { id: string; state: Record<string, any> } {
    if (type === TYPES.stackReference) {
        const outputs = cloud.stackOutputs(inputs.name);
        // The engine fails the whole update on a missing stack; the program never sees a value.
        if (!outputs) throw new Error(`unknown stack "${inputs.name}"`);
        return { id: inputs.name, state: { ...inputs, outputs, secretOutputNames: [] } };
    }
    return {
        id: `${type.split(":")[1].split("/").pop()}-${name}`,
        state: { ...inputs, ...computedState(type, name, inputs, region) },
    };
}

/** Attributes AWS computes on create, as far as the programs read them. */
function computedState(
    type: string,
    name: string,
    inputs: Record<string, any>,
    region: string,
): Record<string, unknown> {
    const arn = `arn:aws:${type.split(":")[1]?.split("/")[0] ?? "mock"}:${region}:${MOCK_ACCOUNT}:${name}`;
    switch (type) {
        case TYPES.repository:
            return { arn, repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${inputs.name}` };
        case TYPES.loadBalancer:
            return { arn, dnsName: `${inputs.name}-1234567890.${region}.elb.amazonaws.com`, zoneId: "Z1H1FL5HABSF5C" };
        case TYPES.zone:
            return {
                arn,
                zoneId: "Z0MOCKZONE0001",
                nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"],
            };
        case TYPES.certificate:
            return {
                arn,
                domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(
                    (domainName: string) => ({
                        domainName,
                        resourceRecordName: `_validation.${String(domainName).replace(/^\*\./, "")}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: "_answer.acm-validations.aws.",
                    }),
                ),
            };
        case TYPES.record:
            return { fqdn: inputs.name };
        case TYPES.logGroup:
            return { arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT}:log-group:${inputs.name}`, name: inputs.name };
        case TYPES.bucket: {
            const bucket = inputs.bucket ?? `${inputs.bucketPrefix}20261126000000000000000001`;
            return { arn: `arn:aws:s3:::${bucket}`, bucket };
        }
        case TYPES.service:
            return { arn, name: inputs.name };
        case TYPES.taskDefinition:
            // ECS names a task definition by family and revision (ECS API reference, RegisterTaskDefinition).
            return { arn: `arn:aws:ecs:${region}:${MOCK_ACCOUNT}:task-definition/${inputs.family}:1`, revision: 1 };
        case TYPES.instance:
            return { arn, primaryNetworkInterfaceId: `eni-${name}`, publicIp: "203.0.113.7" };
        case TYPES.api:
            return {
                arn,
                apiEndpoint: `https://${name}-0a1b2c.execute-api.${region}.amazonaws.com`,
                executionArn: `arn:aws:execute-api:${region}:${MOCK_ACCOUNT}:${name}`,
            };
        case TYPES.apiDomainName:
            // What API Gateway assigns a regional custom domain: a d-<id> name in its own hosted zone.
            return {
                arn,
                domainNameConfiguration: {
                    ...inputs.domainNameConfiguration,
                    targetDomainName: `d-${name}.execute-api.${region}.amazonaws.com`,
                    hostedZoneId: API_GATEWAY_ZONES[region] ?? "Z0MOCKAPIGW",
                },
            };
        case TYPES.scalingPolicy:
            // Application Auto Scaling names a policy after what it scales (API reference, PutScalingPolicy).
            return {
                arn: `arn:aws:autoscaling:${region}:${MOCK_ACCOUNT}:scalingPolicy:0a1b2c3d-${name}:resource/${inputs.serviceNamespace}/${inputs.resourceId}:policyName/${inputs.name ?? name}`,
            };
        case TYPES.cloudMapService:
            return { arn: `arn:aws:servicediscovery:${region}:${MOCK_ACCOUNT}:service/srv-${name}` };
        case TYPES.privateDnsNamespace:
            return {
                arn: `arn:aws:servicediscovery:${region}:${MOCK_ACCOUNT}:namespace/ns-${name}`,
                hostedZone: "Z0MOCKNAMESPACE1",
            };
        case TYPES.role:
            // IAM puts a role's path into its ARN: arn:aws:iam::<account>:role<path><name>.
            return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role${inputs.path ?? "/"}${inputs.name ?? name}` };
        case TYPES.iamPolicy:
            return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${inputs.name ?? name}` };
        default:
            return { arn };
    }
}
