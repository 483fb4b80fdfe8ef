import { readFileSync } from "node:fs";
import { DescribeSecurityGroupRulesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";
import { SecurityGroupRule } from "./security-group-rules";
import { StateObject } from "./terraform-state";

/** The Terraform state, from a file or from s3://bucket/key. */
export async function readState(location: string, region: string, s3?: SendsCommands): Promise<string> {
    if (!location.startsWith("s3://")) {
        try {
            return readFileSync(location, "utf8");
        } catch (error) {
            throw new OpsError(
                `--terraform-state ${location}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
                2,
            );
        }
    }
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
    if (!match) throw new OpsError(`--terraform-state ${location} is not s3://bucket/key`, 2);
    const [, bucket, key] = match;
    try {
        const object = await (s3 ?? new S3Client({ region })).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await object.Body.transformToString();
    } catch (error: any) {
        const why =
            error?.name === "AccessDenied"
                ? `access denied: the caller needs s3:GetObject on arn:aws:s3:::${bucket}/${key}`
                : error?.name === "NoSuchKey"
                  ? "no such object (terraform workspaces keep theirs under env:/<workspace>/)"
                  : error?.name === "NoSuchBucket"
                    ? "no such bucket"
                    : `${error?.name ?? "Error"}: ${error?.message ?? error}`;
        throw new OpsError(`cannot read the Terraform state in bucket ${bucket}, key ${key}: ${why}`, 2);
    }
}

/** Inline rules have no ids in Terraform's state; EC2 lists them with their ids. */
export async function rulesOf(
    objects: readonly StateObject[],
    region: string,
    ec2?: SendsCommands,
): Promise<SecurityGroupRule[]> {
    const groupIds = objects
        .filter((object) => object.type === "aws_security_group")
        .map((object) => object.attributes.id as string);
    if (groupIds.length === 0) return [];
    try {
        const listed = await (ec2 ?? new EC2Client({ region })).send(
            new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: groupIds }] }),
        );
        return listed.SecurityGroupRules ?? [];
    } catch (error: any) {
        throw new OpsError(
            `cannot list the rules of ${groupIds.join(", ")}: ${error?.name ?? "Error"}: ${error?.message ?? error}. Inline rules have no ids in Terraform's state; ` +
                `the import needs them from EC2, so the caller needs ec2:DescribeSecurityGroupRules`,
        );
    }
}
