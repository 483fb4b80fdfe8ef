import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { BaseContract } from "../shared/contract";
import { physicalName, runtimeRolePath } from "../shared/naming";
import { tagsFor } from "../shared/tags";

export type InstanceArchitecture = "arm64" | "x86_64";

/**
 * Graviton families carry a `g` right after their generation (t4g, m7gd, c6gn) or are `a1`; their
 * AMI must be arm64, every other family's x86_64.
 */
export function instanceArchitecture(instanceType: string): InstanceArchitecture {
    const family = instanceType.split(".")[0];
    return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}

/**
 * The latest Amazon Linux 2023 minimal AMI for an architecture, as AWS publishes it in its public SSM
 * parameters (AL2023 user guide, "Launching AL2023 using the SSM parameter"): never a third-party
 * image, never an id that goes stale. Minimal, because forwarding needs almost nothing and its root
 * is a quarter of the standard image's.
 */
export function amiParameter(architecture: InstanceArchitecture): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-${architecture}`;
}

/** The minimal AMI's root snapshot is 2 GiB (the standard one's 8); a root volume may not be smaller than its snapshot. */
export const ROOT_VOLUME_GIB = 2;

/** How often the boot installs before it gives up: right after launch the network and the mirrors may not answer yet. */
export const INSTALL_ATTEMPTS = 5;

/**
 * Boot script, in an order where every failure is visible: install iptables and the SSM agent the
 * minimal AMI lacks (retried), masquerade the VPC's traffic out of the default route's interface and
 * check the rule is there (`iptables -C`), and only then forward, so the instance never forwards
 * without translating. Any failing step powers the instance off (state "stopped", instead of a
 * running instance whose status checks pass while tasks cannot reach out). The rule and forwarding
 * are kept across reboots (the iptables service, a sysctl.d file).
 *
 * Compared with AWS CDK's NatInstanceProviderV2 (aws-ec2/lib/nat.ts, DEFAULT_USER_DATA_COMMANDS:
 * install, forwarding, masquerade, no check, no stop on failure) and fck-nat (packages baked into
 * its AMI by packer; service/fck-nat.sh turns on forwarding before adding its rule, every boot).
 */
export function natUserData(vpcCidr: string): string {
    const rule = `POSTROUTING -s ${vpcCidr} -o "$interface" -j MASQUERADE`;
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        `trap 'echo "nat-instance: boot failed at line $LINENO; powering off" >&2; poweroff' ERR`,
        `for attempt in $(seq ${INSTALL_ATTEMPTS}); do`,
        "  dnf install -y iptables-services amazon-ssm-agent && break",
        "  sleep $((attempt * 10))",
        "done",
        "rpm -q iptables-services amazon-ssm-agent",
        "systemctl enable --now amazon-ssm-agent",
        "interface=\"$(ip -4 route show default | awk '{print $5; exit}')\"",
        'test -n "$interface"',
        `iptables -t nat -A ${rule}`,
        "iptables-save > /etc/sysconfig/iptables",
        "systemctl enable --now iptables",
        `iptables -t nat -C ${rule}`,
        "cat > /etc/sysctl.d/90-nat.conf <<'CONF'",
        "net.ipv4.ip_forward = 1",
        "CONF",
        "sysctl --system",
        'test "$(sysctl -n net.ipv4.ip_forward)" = 1',
        "",
    ].join("\n");
}

/**
 * One EC2 instance that forwards the private subnets' traffic to the internet: a tenth of a NAT
 * gateway's hourly price and nothing per GB, at the cost of one instance as the only way out. It
 * runs in the first public subnet with base's NAT instance security group (the VPC in, anything
 * out), IMDSv2 only, an encrypted gp3 root, no SSH key: Session Manager is the way in, through a
 * role with only AmazonSSMManagedInstanceCore. A fresh AMI every morning (runtime is recreated) keeps it patched.
 */
export class NatInstance extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;

    constructor(
        name: string,
        args: { config: RuntimeConfig; base: BaseContract },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:NatInstance", name, {}, opts);
        const { config, base } = args;
        const child = { parent: this };
        const roleName = physicalName(config, "nat-instance");
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: roleName,
                path: runtimeRolePath(config),
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
                permissionsBoundary: base.permissionsBoundaryArn || undefined,
                tags: tagsFor(config, roleName),
            },
            // Role and profile names are unique in the account whatever the path: replace by deleting first.
            { ...child, deleteBeforeReplace: true },
        );
        const sessionManager = new aws.iam.RolePolicyAttachment(
            `${name}-session-manager`,
            { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
            child,
        );
        const profile = new aws.iam.InstanceProfile(
            `${name}-profile`,
            { name: roleName, path: runtimeRolePath(config), role: role.name, tags: tagsFor(config, roleName) },
            { ...child, deleteBeforeReplace: true },
        );
        const ami = aws.ssm.getParameterOutput(
            { name: amiParameter(instanceArchitecture(config.natInstanceType)) },
            child,
        );

        this.instance = new aws.ec2.Instance(
            `${name}-instance`,
            {
                ami: ami.value,
                instanceType: config.natInstanceType,
                subnetId: base.publicSubnetIds[0],
                vpcSecurityGroupIds: [base.natInstanceSecurityGroupId],
                associatePublicIpAddress: true,
                // It forwards packets that are neither from nor to itself.
                sourceDestCheck: false,
                iamInstanceProfile: profile.name,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                rootBlockDevice: {
                    volumeType: "gp3",
                    volumeSize: ROOT_VOLUME_GIB,
                    encrypted: true,
                    deleteOnTermination: true,
                },
                // EC2 recovers a failed instance on healthy hardware (simplified automatic recovery).
                maintenanceOptions: { autoRecovery: "default" },
                // A failed boot powers off; stopped, not terminated, so it can be inspected and started again.
                instanceInitiatedShutdownBehavior: "stop",
                userData: natUserData(base.vpcCidr),
                userDataReplaceOnChange: true,
                tags: tagsFor(config, physicalName(config, "nat-instance")),
                volumeTags: tagsFor(config, physicalName(config, "nat-instance")),
            },
            // The AMI parameter moves often; a new id on a midday up (a release) would replace the
            // instance and cut egress while the new one boots. The running instance keeps its image
            // until runtime is next created, which the nightly teardown and morning restore do daily.
            { parent: this, dependsOn: [sessionManager], ignoreChanges: ["ami"] },
        );
        this.registerOutputs({ instanceId: this.instance.id });
    }
}
