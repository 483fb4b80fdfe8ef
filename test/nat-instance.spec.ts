import { strict as assert } from "assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compare, estimate } from "../cost/estimate";
import { Evaluation } from "../offline/engine";
import { evaluateEnvironment, stackConfig } from "../offline/evaluate";
import { instanceArchitecture, natUserData } from "../runtime/nat-instance";
import { loadConfig } from "../shared/config/load";
import { ENVIRONMENTS } from "../shared/environments";
import { parseStackName } from "../shared/stack-name";
import { nonEmpty, ofType, single, TYPES } from "./helpers";

const INSTANCE = "aws:ec2/instance:Instance";

describe("egress nat-instance: private tasks for less than public IPs", () => {
    let dev: Evaluation;
    let devBase: Evaluation;
    let x86: Evaluation;
    before(async () => {
        // Behind a NAT instance dev runs awake: wakeOnRequest needs public-ip ("" unsets it).
        ({ base: devBase, runtime: dev } = await evaluateEnvironment("dev", {
            runtime: { egress: "nat-instance", wakeOnRequest: "" },
        }));
        ({ runtime: x86 } = await evaluateEnvironment("staging", {
            runtime: { egress: "nat-instance", natInstanceType: "t3.micro" },
        }));
    });
    const instance = () => single(dev, INSTANCE);

    it("runs one t4g.nano in the first public subnet, forwarding (source/destination check off) with a public address", () => {
        assert.deepEqual(
            [
                instance().inputs.instanceType,
                instance().inputs.subnetId,
                instance().inputs.sourceDestCheck,
                instance().inputs.associatePublicIpAddress,
            ],
            ["t4g.nano", "subnet-network-public-0", false, true],
        );
        assert.deepEqual(ofType(dev, TYPES.natGateway), []);
    });

    it("boots the latest Amazon Linux 2023 (minimal) for the type's architecture, from AWS's public SSM parameter", () => {
        const lookups = (evaluation: Evaluation) =>
            evaluation.invokes
                .filter((invoke) => invoke.token === "aws:ssm/getParameter:getParameter")
                .map((invoke) => invoke.inputs.name);
        assert.deepEqual(lookups(dev), [
            "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64",
        ]);
        assert.deepEqual(lookups(x86), [
            "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64",
        ]);
        assert.equal(instance().inputs.ami, "ami-0a1b2c3d4e5f60718");
        assert.deepEqual(
            [
                "t4g.nano",
                "m7gd.large",
                "c6gn.xlarge",
                "a1.medium",
                "t3.micro",
                "t3a.nano",
                "m6i.large",
                "g5.xlarge",
            ].map(instanceArchitecture),
            ["arm64", "arm64", "arm64", "arm64", "x86_64", "x86_64", "x86_64", "x86_64"],
        );
    });

    it("forwards IP and masquerades the VPC's traffic out of the default route's interface, and keeps both across reboots", () => {
        const script = instance().inputs.userData as string;
        assert.equal(script, natUserData("10.0.0.0/16"));
        assert.match(script, /^net\.ipv4\.ip_forward = 1$/m);
        assert.match(script, /cat > \/etc\/sysctl\.d\/90-nat\.conf/);
        assert.match(script, /^interface="\$\(ip -4 route show default \| awk '\{print \$5; exit\}'\)"$/m);
        assert.match(script, /^iptables -t nat -A POSTROUTING -s 10\.0\.0\.0\/16 -o "\$interface" -j MASQUERADE$/m);
        assert.match(script, /^iptables-save > \/etc\/sysconfig\/iptables$/m);
        assert.match(script, /^systemctl enable --now iptables$/m);
        // The minimal AMI lacks the SSM agent that Session Manager needs.
        assert.match(script, /^ {2}dnf install -y iptables-services amazon-ssm-agent && break$/m);
        assert.match(script, /^systemctl enable --now amazon-ssm-agent$/m);
    });

    describe("boots in an order where every failure shows (a NAT that forwards without translating passes EC2's status checks)", () => {
        const script = natUserData("10.0.0.0/16");
        const lines = script.split("\n");
        const at = (line: string) => {
            const index = lines.indexOf(line);
            assert.ok(index >= 0, `no line ${JSON.stringify(line)} in the user data`);
            return index;
        };

        it("installs (retried), checks the install, masquerades, checks the rule with iptables -C, and only then forwards", () => {
            const order = [
                "trap 'echo \"nat-instance: boot failed at line $LINENO; powering off\" >&2; poweroff' ERR",
                "for attempt in $(seq 5); do",
                "  dnf install -y iptables-services amazon-ssm-agent && break",
                "rpm -q iptables-services amazon-ssm-agent",
                'iptables -t nat -A POSTROUTING -s 10.0.0.0/16 -o "$interface" -j MASQUERADE',
                "systemctl enable --now iptables",
                'iptables -t nat -C POSTROUTING -s 10.0.0.0/16 -o "$interface" -j MASQUERADE',
                "net.ipv4.ip_forward = 1",
                "sysctl --system",
                'test "$(sysctl -n net.ipv4.ip_forward)" = 1',
            ].map(at);
            assert.deepEqual(
                order,
                [...order].sort((a, b) => a - b),
            );
            assert.deepEqual(lines.slice(0, 2), ["#!/bin/bash", "set -euo pipefail"]);
        });

        it("is valid bash (bash -n)", () => {
            const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
            assert.deepEqual([check.status, check.stderr], [0, ""]);
        });

        it("powers off, and touches neither iptables nor forwarding, when the install keeps failing (run by the real bash, with stand-ins for the system's commands)", () => {
            const stubs = mkdtempSync(join(tmpdir(), "nat-boot-"));
            try {
                const calls = join(stubs, "calls");
                const stub = (name: string, exitCode: number) => {
                    writeFileSync(join(stubs, name), `#!/bin/bash\necho "${name} $*" >> "$CALLS"\nexit ${exitCode}\n`);
                    chmodSync(join(stubs, name), 0o755);
                };
                // A mirror that never answers: dnf and rpm -q fail; the rest would succeed if reached.
                for (const name of ["dnf", "rpm"]) stub(name, 1);
                for (const name of ["sleep", "poweroff", "systemctl", "ip", "iptables", "iptables-save", "sysctl"])
                    stub(name, 0);
                const run = spawnSync("bash", [], {
                    input: script,
                    encoding: "utf8",
                    env: { PATH: `${stubs}:${process.env.PATH}`, CALLS: calls },
                });
                assert.notEqual(run.status, 0);
                assert.match(run.stderr, /^nat-instance: boot failed at line 8; powering off$/m);
                const install = "dnf install -y iptables-services amazon-ssm-agent";
                assert.deepEqual(readFileSync(calls, "utf8").trim().split("\n"), [
                    install,
                    "sleep 10",
                    install,
                    "sleep 20",
                    install,
                    "sleep 30",
                    install,
                    "sleep 40",
                    install,
                    "sleep 50",
                    "rpm -q iptables-services amazon-ssm-agent",
                    "poweroff",
                ]);
            } finally {
                rmSync(stubs, { recursive: true, force: true });
            }
        });

        it("stops rather than terminates on that power-off, so the instance can be inspected and started", () => {
            assert.equal(instance().inputs.instanceInitiatedShutdownBehavior, "stop");
        });
    });

    it("keeps the running instance's AMI when AWS's parameter moves (a midday up would otherwise replace it and cut egress); the morning restore boots the newest", () => {
        assert.deepEqual(instance().ignoreChanges, ["ami"]);
    });

    it("is hardened: IMDSv2 only, encrypted gp3 root of the AMI's 2 GiB, no SSH key, Session Manager through AmazonSSMManagedInstanceCore alone", () => {
        const inputs = instance().inputs;
        assert.equal(inputs.metadataOptions.httpTokens, "required");
        assert.deepEqual(
            [inputs.rootBlockDevice.volumeType, inputs.rootBlockDevice.volumeSize, inputs.rootBlockDevice.encrypted],
            ["gp3", 2, true],
        );
        assert.equal(inputs.keyName, undefined);
        assert.deepEqual(
            ofType(dev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(
                (attachment) => attachment.inputs.policyArn,
            ),
            ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
        );
        assert.deepEqual(
            ofType(dev, TYPES.rolePolicy)
                .map((policy) => policy.name)
                .filter((name) => name.includes("nat")),
            [],
        );
        assert.deepEqual(inputs.maintenanceOptions, { autoRecovery: "default" });
    });

    it("runs in base's NAT instance group: ingress from the VPC's CIDR only (no port 22 from anywhere), egress anywhere", () => {
        assert.deepEqual(instance().inputs.vpcSecurityGroupIds, [devBase.outputs.natInstanceSecurityGroupId]);
        const rules = devBase.resources.filter(
            (resource) => resource.inputs.securityGroupId === devBase.outputs.natInstanceSecurityGroupId,
        );
        assert.deepEqual(
            rules.map((rule) => [rule.type.split(":").pop(), rule.inputs.ipProtocol, rule.inputs.cidrIpv4]),
            [
                ["SecurityGroupIngressRule", "-1", "10.0.0.0/16"],
                ["SecurityGroupEgressRule", "-1", "0.0.0.0/0"],
            ],
        );
    });

    it("routes every private route table's 0.0.0.0/0 to the instance's network interface, one instance for all zones", () => {
        const routes = ofType(dev, TYPES.route).map((route) => [
            route.inputs.routeTableId,
            route.inputs.destinationCidrBlock,
            route.inputs.networkInterfaceId,
        ]);
        assert.deepEqual(routes, [
            ["routeTable-network-private-0", "0.0.0.0/0", instance().state.primaryNetworkInterfaceId],
            ["routeTable-network-private-1", "0.0.0.0/0", instance().state.primaryNetworkInterfaceId],
        ]);
        for (const service of nonEmpty(ofType(dev, TYPES.service)))
            assert.equal(service.inputs.networkConfiguration.assignPublicIp, false);
    });

    describe("priced", () => {
        it("instance-hours, the gp3 volume and the public IPv4, from the dated tables", async () => {
            const summary = await estimate("dev", { egress: "nat-instance" });
            const items = summary.runtime.items
                .filter((item) => item.type === INSTANCE)
                .map((item) => [item.what, item.unitPrice, item.quantity]);
            assert.deepEqual(items, [
                ["EC2 t4g.nano", 0.0042, 730],
                ["gp3 root volume", 0.08, 2],
                ["public IPv4", 0.005, 730],
            ]);
        });

        it("holds the budget: dev on the weekday schedule costs no more in nat-instance than in public-ip mode", async () => {
            const layouts = await compare("dev");
            const total = (label: string) => layouts.find((summary) => summary.label === label)!.totalMonthly;
            assert.deepEqual(layouts.map((summary) => summary.label).slice(0, 4), [
                "nat-per-az",
                "nat-single",
                "nat-instance",
                "public-ip",
            ]);
            assert.ok(
                total("nat-instance") <= total("public-ip"),
                `nat-instance $${total("nat-instance").toFixed(2)} vs public-ip $${total("public-ip").toFixed(2)}`,
            );
        });
    });

    it("stays out of prod, and dev keeps nat-single as its default (its committed file takes public-ip, to sleep) until this mode has run on a real account", async () => {
        assert.throws(
            () =>
                loadConfig(parseStackName("runtime-prod"), stackConfig("runtime-prod", { egress: "nat-instance" }), {
                    project: "durable-code",
                    organization: "organization",
                }),
            {
                message:
                    "runtime-prod: durable-code:egress nat-instance makes one instance the only way out of prod, which is production-like; use nat-per-az or nat-single; change it in Pulumi.runtime-prod.yaml",
            },
        );
        assert.equal(ENVIRONMENTS.dev.egress, "nat-single");
        const { runtime } = await evaluateEnvironment("dev");
        assert.equal(runtime.outputs.egress, "public-ip");
    });
});
