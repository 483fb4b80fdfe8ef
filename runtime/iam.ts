import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { BaseContract } from "../shared/contract";
import { physicalName, runtimeRolePath } from "../shared/naming";
import { SERVICE_NAMES } from "../shared/services";
import { tagsFor } from "../shared/tags";

export interface PolicyStatement {
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: pulumi.Input<string> | pulumi.Input<string>[];
}

const ASSUMED_BY_ECS_TASKS = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** What ECS needs to start a task: pull this environment's two images and write its two log groups. */
export function executionRoleStatements(base: BaseContract, logGroupArns: pulumi.Input<string>[]): PolicyStatement[] {
    return [
        // GetAuthorizationToken has no resource-level permissions; AWS requires "*".
        { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
        {
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: SERVICE_NAMES.map((service) => base.repositories[service].arn),
        },
        {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: logGroupArns.map((arn) => pulumi.interpolate`${arn}:log-stream:*`),
        },
    ];
}

/** What the application itself may do: nothing, except open an ECS Exec session when enabled. */
export function taskRoleStatements(enableExec: boolean): PolicyStatement[] {
    return enableExec
        ? [
              {
                  Effect: "Allow",
                  // Session Manager channels have no resource-level permissions; AWS requires "*".
                  Action: [
                      "ssmmessages:CreateControlChannel",
                      "ssmmessages:CreateDataChannel",
                      "ssmmessages:OpenControlChannel",
                      "ssmmessages:OpenDataChannel",
                  ],
                  Resource: "*",
              },
          ]
        : [];
}

/** The task execution role (used by ECS) and the task role (used by the application). */
export class TaskRoles extends pulumi.ComponentResource {
    readonly executionRole: aws.iam.Role;
    readonly taskRole: aws.iam.Role;
    /** The roles' inline policies: a role exists before its permissions do, so tasks wait for these. */
    readonly policies: aws.iam.RolePolicy[] = [];

    constructor(
        name: string,
        args: { config: RuntimeConfig; base: BaseContract; logGroupArns: pulumi.Input<string>[] },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:TaskRoles", name, {}, opts);
        const { config, base, logGroupArns } = args;
        const role = (suffix: string, statements: PolicyStatement[]) => {
            const created = new aws.iam.Role(
                `${name}-${suffix}`,
                {
                    name: physicalName(config, suffix),
                    // Runtime's own path: the deploy role manages and passes roles under it only.
                    path: runtimeRolePath(config),
                    assumeRolePolicy: ASSUMED_BY_ECS_TASKS,
                    // With base's GitHub roles, the deploy role may create roles only inside this boundary.
                    permissionsBoundary: base.permissionsBoundaryArn || undefined,
                    tags: tagsFor(config, physicalName(config, suffix)),
                },
                // A role's name is unique in the account whatever its path: a replacement (a new path)
                // must delete the old role before creating the new one.
                { parent: this, deleteBeforeReplace: true },
            );
            if (statements.length > 0) {
                const policy = new aws.iam.RolePolicy(
                    `${name}-${suffix}`,
                    {
                        role: created.id,
                        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
                    },
                    { parent: this },
                );
                this.policies.push(policy);
            }
            return created;
        };
        this.executionRole = role("execution", executionRoleStatements(base, logGroupArns));
        this.taskRole = role("task", taskRoleStatements(config.enableExec));
        this.registerOutputs({});
    }
}
