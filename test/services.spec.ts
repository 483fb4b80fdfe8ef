import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { committedConfig } from "../offline/evaluate";
import { defaultService, SERVICE_NAMES, SERVICES, ServiceSpec, taskSize } from "../shared/services";

const ROOT = join(__dirname, "..");
/** The declared services and each one's tag, as the commands list them: "frontend v1, backend v1". */
const listed = (tag: string) => SERVICE_NAMES.map((service) => `${service} ${tag}`).join(", ");
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What test/fakes/worker-run.ts prints: every command and program with a third service declared. */
interface WorkerRun {
    readonly checked: number[];
    readonly printed: string[];
    readonly configKeys: string[];
    readonly resources: Array<{ stack: string; type: string; name: string; state: Record<string, any> }>;
    readonly ownTagImages: Record<string, string>;
    readonly fenced: Array<{ name: string; policy: unknown }>;
    readonly policy: string[];
    readonly cost: { runtime: { items: Array<{ resource: string; what: string; monthly: number }> } };
    readonly release: string[];
    readonly ledger: string;
    readonly ledgerTags: Record<string, string>;
    readonly status: string;
}

describe("services, each declared once in shared/services.ts", () => {
    it("the committed ones: exactly one takes the paths no other's patterns match; ports and short names differ", () => {
        const catchAll = SERVICE_NAMES.filter((service) => SERVICES[service].pathPatterns.length === 0);
        assert.deepEqual(catchAll, [defaultService()]);
        const unique = (values: unknown[]) => new Set(values).size === values.length;
        assert.ok(unique(SERVICE_NAMES.map((service) => SERVICES[service].port)));
        assert.ok(unique(SERVICE_NAMES.map((service) => SERVICES[service].shortName)));
    });

    // The brief's application, pinned on purpose: the other specs derive from SERVICES, so this is
    // where a changed port, health path or route of these two shows. A service added beside them
    // leaves it passing; changing one of them means updating this fact.
    it("the application's two services, as the brief defines them: the front end on 3000, answering / and every path the back end does not take; the back end on 8000, answering /health, taking /api/* and /health", () => {
        const { frontend, backend } = SERVICES;
        assert.deepEqual(
            [frontend.port, frontend.healthPath, frontend.pathPatterns, defaultService()],
            [3000, "/", [], "frontend"],
        );
        assert.deepEqual(
            [backend.port, backend.healthPath, backend.pathPatterns],
            [8000, "/health", ["/api/*", "/health"]],
        );
    });

    it("a sizeMultiple that gives no Fargate size is refused, naming the service, the file and the keys", () => {
        const declared = SERVICES.backend;
        (SERVICES as Record<string, ServiceSpec>).backend = { ...declared, sizeMultiple: 3 };
        try {
            assert.throws(() => committedConfig("runtime-dev"), {
                message:
                    "runtime-dev: backend's tasks are 3 times 256 CPU / 512 MiB (sizeMultiple in shared/services.ts): taskCpu 768 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384; change the multiple, or taskCpu and taskMemory in Pulumi.runtime-dev.yaml",
            });
        } finally {
            (SERVICES as Record<string, ServiceSpec>).backend = declared;
        }
    });

    describe("a third service (worker) added as one entry", () => {
        let run: WorkerRun;
        before(() => {
            // A process of its own: the entry is declared before any module that reads the services loads.
            const out = execFileSync(
                process.execPath,
                ["-r", "./cli/register.cjs", "-r", "./test/fakes/worker-service.ts", "test/fakes/worker-run.ts"],
                { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
            );
            run = JSON.parse(out);
        });
        const resource = (stack: string, type: string, name: string) => {
            const found = run.resources.find((r) => r.stack === stack && r.type === type && r.name === name);
            assert.ok(found, `${stack} declares no ${type} ${name}`);
            return found.state;
        };

        it("config: its own image tag key, workerImageTag, overrides imageTag for it alone; imageTag covers it", () => {
            assert.ok(run.configKeys.includes("workerImageTag"));
            assert.deepEqual(run.ownTagImages, {
                ...Object.fromEntries(SERVICE_NAMES.map((service) => [service, "v0.1.0"])),
                worker: "v3.0.0",
            });
        });

        it("npm run check passes base-dev and runtime-dev as committed, and names its image", () => {
            assert.deepEqual(run.checked, [0, 0], run.printed.join("\n"));
            assert.match(run.printed[1], new RegExp(`images ${escaped(listed("v0.1.0"))}, worker v0\\.1\\.0`));
            // The committed services' own sizes, then the worker's (twice dev's 256 / 512).
            const sized = SERVICE_NAMES.filter((service) => (SERVICES[service].sizeMultiple ?? 1) !== 1).map(
                (service) => `${service} ${taskSize(service, 256, 512).cpu} / ${taskSize(service, 256, 512).memory}`,
            );
            assert.match(
                run.printed[1],
                new RegExp(`tasks 256 CPU / 512 MiB \\(${[...sized, "worker 512 / 1024"].join(", ")}\\) `),
            );
            assert.match(run.printed[1], new RegExp(`aws:ecs/service:Service +${SERVICE_NAMES.length + 1}\n`));
        });

        it("base keeps its repository and log group and opens its port to the front door only", () => {
            assert.equal(
                resource("base-dev", "aws:ecr/repository:Repository", "registries-worker").name,
                "durable-code-dev-worker",
            );
            assert.equal(
                resource("base-dev", "aws:cloudwatch/logGroup:LogGroup", "logs-worker").name,
                "/ecs/durable-code-dev/worker",
            );
            const ingress = resource(
                "base-dev",
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "security-groups-services-in-worker",
            );
            assert.deepEqual([ingress.fromPort, ingress.toPort, ingress.cidrIpv4], [9000, 9000, undefined]);
        });

        it("runtime runs its tasks at twice the environment's size, its sizeMultiple, and cost prices them so", () => {
            const task = resource("runtime-dev", "aws:ecs/taskDefinition:TaskDefinition", "worker-task");
            assert.deepEqual([task.cpu, task.memory], ["512", "1024"]);
            const backend = resource("runtime-dev", "aws:ecs/taskDefinition:TaskDefinition", "backend-task");
            assert.deepEqual([backend.cpu, backend.memory], ["256", "512"]);
            assert.ok(
                run.cost.runtime.items.some(
                    (item) => item.resource === "worker-service" && /1 x 0\.5 vCPU \/ 1 GB/.test(item.what),
                ),
            );
        });

        it("runtime runs it from its repository on its port, routes its patterns (/worker/*, its health path within) to it through dev's HTTP API, and wakes it with the others", () => {
            const [container] = JSON.parse(
                resource("runtime-dev", "aws:ecs/taskDefinition:TaskDefinition", "worker-task").containerDefinitions,
            );
            assert.match(container.image, /durable-code-dev-worker:v0\.1\.0$/);
            assert.deepEqual(container.portMappings, [{ containerPort: 9000, protocol: "tcp" }]);
            const service = resource("runtime-dev", "aws:ecs/service:Service", "worker-service");
            const registry = resource("runtime-dev", "aws:servicediscovery/service:Service", "front-door-worker");
            assert.deepEqual(service.serviceRegistries, {
                containerName: "worker",
                containerPort: 9000,
                registryArn: registry.arn,
            });
            const integration = resource(
                "runtime-dev",
                "aws:apigatewayv2/integration:Integration",
                "front-door-worker",
            );
            assert.equal(integration.integrationUri, registry.arn);
            const route = resource("runtime-dev", "aws:apigatewayv2/route:Route", "front-door-route-worker-proxy");
            assert.equal(route.routeKey, "ANY /worker/{proxy+}");
            assert.ok(route.target.endsWith("front-door-worker"));
            resource("runtime-dev", "aws:appautoscaling/policy:Policy", "wake-worker-wake");
            resource("runtime-dev", "aws:appautoscaling/policy:Policy", "wake-worker-sleep");
        });

        it("passes the policy pack, and cost prices its tasks", () => {
            assert.deepEqual(run.policy, []);
            assert.ok(run.cost.runtime.items.some((item) => item.resource === "worker-service" && item.monthly > 0));
        });

        it("the fence reaches its repository wherever it reaches the others: image publisher, boundary, execution role", () => {
            const policies = [
                ...run.fenced,
                ...run.resources
                    .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
                    .map((r) => ({ name: r.name, policy: r.state.policy })),
            ];
            // The stand-in's ARNs carry the repository's logical name (registries-<service>), log groups their path.
            const naming = (service: string) =>
                policies
                    .filter(({ policy }) =>
                        new RegExp(`(registries-|durable-code-dev[-/])${service}\\b`).test(JSON.stringify(policy)),
                    )
                    .map(({ name }) => name);
            assert.ok(naming("backend").length >= 3, naming("backend").join());
            assert.deepEqual(naming("worker"), naming("backend"));
        });

        it("release takes --service worker and records its tag under workerImageTag; status shows it", () => {
            assert.deepEqual(run.release, ["worker"]);
            assert.match(run.ledger, /^ {2}durable-code:workerImageTag: v2\.0\.0$/m);
            assert.equal(run.ledgerTags.worker, "v2.0.0");
            assert.match(run.status, new RegExp(`${escaped(listed("v1.0.0"))}, worker v2\\.0\\.0`));
        });
    });
});
