import { NameScope } from "../../shared/naming";
import { reviewHostnames } from "../../shared/review";
import { ANY_REVIEW } from "../../shared/stack-name";
import { document, PolicyDocument, Statement } from "./document";
import { containerFenceStatements, scalingFenceStatements } from "./fence";
import { cloudMapStatements, frontDoorApiStatements, FrontDoorScope } from "./front-door-access";
import {
    AccessScope,
    baseReads,
    DEPLOY_POLICIES,
    DeployPolicy,
    reviewRoleName,
    runtimeRoles,
    runtimeRoleStatements,
    selfGuards,
} from "./policies";

/**
 * The review role's rights on AWS resources: the deploy role's fence (fence.ts, front-door-access.ts,
 * policies.ts) with every review as its owner, the scope `{ project, env, review: ANY_REVIEW }`. So
 * each statement a review's runtime needs (shared/review.ts: the HTTP API front door, public task
 * addresses, Spot, wakeOnRequest) holds it to:
 * - names `<project>-<env>-pr-*` (cluster, services, task families, alarms, roles) and roles under
 *   `/<project>/<env>/review/`, which dev's runtime's never are;
 * - the Review tag (`pr-*`) beside Project and Environment, in the request of every create and on the
 *   resource of every change, which dev's runtime and base never carry;
 * - records in dev's zone under the reviews' hostnames only, custom domains of those names only.
 * No network statements: a review creates no instance, address, NAT gateway, route or load balancer.
 */
export interface ReviewAccessScope extends AccessScope {
    readonly frontDoor: FrontDoorScope;
}

/** As the deploy role's (policies.ts), without its network. */
export type ReviewPolicy = Exclude<DeployPolicy, "network">;
export const REVIEW_POLICIES = DEPLOY_POLICIES.filter((policy): policy is ReviewPolicy => policy !== "network");

export const reviewPolicyName = (scope: NameScope, policy: ReviewPolicy) => `${reviewRoleName(scope)}-${policy}`;

/** Every review at once: the owner the review role's fence names. */
const reviews = (scope: NameScope): NameScope => ({ project: scope.project, env: scope.env, review: ANY_REVIEW });

/**
 * The reviews' records in dev's zone, by name: Route 53 compares the change batch's record names,
 * lower case without the trailing dot (Route 53 developer guide, "Using IAM policy conditions for
 * fine-grained access control": ChangeResourceRecordSetsNormalizedRecordNames). Every name must be a
 * review's, and the request must name them.
 */
function reviewRecords(zoneId: string | undefined, zoneName: string | undefined): Statement[] {
    const read: Statement = {
        Sid: "DnsRead",
        Effect: "Allow",
        Action: ["route53:Get*", "route53:List*"],
        Resource: "*",
    };
    if (!zoneId || !zoneName) return [read];
    const key = "route53:ChangeResourceRecordSetsNormalizedRecordNames";
    return [
        read,
        {
            Sid: "ReviewRecords",
            Effect: "Allow",
            Action: ["route53:ChangeResourceRecordSets"],
            Resource: `arn:aws:route53:::hostedzone/${zoneId}`,
            Condition: {
                "ForAllValues:StringLike": { [key]: Object.values(reviewHostnames(ANY_REVIEW, zoneName)) },
                Null: { [key]: "false" },
            },
        },
    ];
}

/** The review role's managed policies, one concern each as the deploy role's (test/policy-size.spec.ts measures them). */
export function reviewRolePolicies(
    scope: ReviewAccessScope,
    arns: { readonly self: string; readonly boundary: string },
): Record<ReviewPolicy, PolicyDocument> {
    const { self, boundary } = arns;
    const owner = { ...scope, ...reviews(scope) };
    return {
        containers: document(containerFenceStatements(owner)),
        scaling: document(scalingFenceStatements(owner)),
        "front-door": document(frontDoorApiStatements(owner, scope.frontDoor)),
        discovery: document(cloudMapStatements(owner, scope.frontDoor)),
        identity: document([
            // The provider's and the program's lookups; nothing of EC2 is written by a review.
            { Sid: "Ec2Read", Effect: "Allow", Action: ["ec2:Describe*"], Resource: "*" },
            ...reviewRecords(scope.zoneId, scope.frontDoor.zoneName),
            // Base's repositories and log groups are the environment's, which reviews share: read only.
            ...baseReads({ project: scope.project, env: scope.env }),
            ...runtimeRoleStatements(owner, boundary),
            ...selfGuards({
                roleName: reviewRoleName(scope),
                self,
                boundary,
                creates: runtimeRoles(owner),
                assumeSid: "NeverAssumeReviewRoles",
            }),
        ]),
    };
}
