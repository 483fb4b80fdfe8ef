import { evaluateEnvironment } from "../../offline/evaluate";
import { Evaluation } from "../../offline/engine";
import { ofType } from "../helpers";

export const STATE_BUCKET = "acme-pulumi-state";
export const SECRETS_KEY = "arn:aws:kms:us-west-2:123456789012:key/0b2f7a3e-6f1d-4f0e-9a55-3c1d2e4f5a6b";

/**
 * Dev with every access feature on: GitHub roles with a zone, a secrets key, staging previews, the
 * image publisher; runtime with the load balancer, the NAT instance and ECS Exec, so every statement
 * and every resource the programs can write is there. Evaluated once per process (offline/evaluate.ts caches it).
 */
export const everythingOn = () =>
    evaluateEnvironment("dev", {
        base: {
            frontDoor: "alb",
            domain: "example.com",
            githubRepository: "acme/durable-code",
            stateBucket: STATE_BUCKET,
            secretsKeyArn: SECRETS_KEY,
            previewEnvironments: JSON.stringify(["dev", "staging"]),
            imagePublisherRepository: "acme/durable-code-app",
        },
        // The load balancer and NAT instance, set explicitly: dev's committed layout (the HTTP API,
        // asleep at rest) has neither; access-fence.spec.ts asks about the wake alarms on their own.
        runtime: { frontDoor: "alb", egress: "nat-instance", enableExec: "true", wakeOnRequest: "" },
    });

/** Every statement of the deploy role's managed policies, in one list, as IAM evaluates them together. */
export const deployStatementsOf = (base: Evaluation): any[] =>
    ofType(base, "aws:iam/policy:Policy")
        .filter((policy) => policy.name.startsWith("github-deploy-"))
        .flatMap((policy) => JSON.parse(policy.state.policy).Statement);
