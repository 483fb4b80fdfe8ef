import { CloudDouble, DeclaredResource, Evaluation, MOCK_ACCOUNT } from "./engine";
import { TYPES } from "../shared/resource-types";
import { VPC_LINK_ZONE_IDS } from "../base/zones";

/**
 * A stand-in for AWS and the state backend, built from what base declared. Lookups are answered by
 * matching their filters against the tags base registered, exactly as EC2 would: a filter that asks
 * for a tag base never writes finds nothing. Any invoke it does not know fails, so a new lookup in
 * the program cannot pass a test by accident.
 */
export interface CloudOptions {
    readonly availabilityZones?: readonly string[];
    /**
     * The zone id of each of those zones, index by index (default usw2-az1, usw2-az2, ...): each account
     * maps names to ids its own way (EC2 user guide, "AZ IDs"). The provider returns both lists sorted by
     * name, one entry per zone (terraform-provider-aws, aws_availability_zones data source).
     */
    readonly zoneIds?: readonly string[];
    /**
     * The region the stack deploys to (its aws:region): without availabilityZones, its zones are
     * <region>a to <region>d, with the ids <region's short code>-az1 to -az4 (default us-west-2).
     */
    readonly region?: string;
    /** Stacks that exist in the backend, by full name, with their outputs. */
    readonly stacks?: Readonly<Record<string, Record<string, unknown>>>;
    /** The base whose resources the lookups search. */
    readonly base?: Evaluation;
    /** Whether `npm run bootstrap` created the account's GitHub OIDC provider (default: it did). */
    readonly githubOidcProvider?: boolean;
    /** Whether IAM refuses the caller's reads (AccessDenied), as for a role without iam:GetPolicy. */
    readonly iamDenied?: boolean;
    /** Hosted zones in the account besides base's (another stack's or a registrar's). */
    readonly extraZones?: readonly DeclaredResource[];
}

const DEFAULT_ZONES = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"];

/**
 * The prefix of a region's zone ids (us-west-2: usw2), as base/zones.ts's table from API Gateway's
 * page lists them. A region the table does not list has no VPC links, so its ids are only labels.
 */
function zoneIdPrefix(region: string): string {
    return VPC_LINK_ZONE_IDS[region]?.[0].replace(/-az\d+$/, "") ?? region;
}

/** AWS's public SSM parameters of the latest Amazon Linux 2023 images, and an image id for each. */
const PUBLIC_AMI_PARAMETERS: Readonly<Record<string, string>> = {
    "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64": "ami-0a1b2c3d4e5f60718",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64": "ami-08f7e6d5c4b3a2910",
};

/**
 * The regional Elastic Load Balancing accounts that deliver access logs (ELB user guide, "Enable
 * access logs for your Application Load Balancer"), as aws.elb.getServiceAccount returns them.
 */
const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = { "us-east-1": "127311923021", "us-west-2": "797873946194" };

interface Filter {
    readonly name: string;
    readonly values: readonly string[];
}

/** The account the lookups search: base's declared resources, and what the options say exists. */
class Account {
    readonly zones: readonly string[];
    private readonly declared: readonly DeclaredResource[];
    constructor(readonly options: CloudOptions) {
        this.zones =
            options.availabilityZones ??
            (options.region ? ["a", "b", "c", "d"].map((letter) => `${options.region}${letter}`) : DEFAULT_ZONES);
        this.declared = options.base?.resources ?? [];
    }
    ofType(type: string): DeclaredResource[] {
        return this.declared.filter((resource) => resource.type === type);
    }
    tagged(type: string, filters: readonly Filter[]): DeclaredResource[] {
        return this.ofType(type).filter((resource) => matchesFilters(resource, filters));
    }
    /**
     * A singular data source's error when the filters match none or several, in the provider's words
     * (terraform-provider-aws internal/tfresource/not_found_error.go, SingularDataSourceFindError,
     * which the aws_vpc and aws_security_group data sources call with "EC2 VPC" and "EC2 Security Group").
     */
    exactlyOne(type: string, what: string, filters: readonly Filter[]): DeclaredResource {
        const matches = this.tagged(type, filters);
        if (matches.length === 0) throw new Error(`no matching ${what} found`);
        if (matches.length > 1)
            throw new Error(
                `multiple ${what}s matched; use additional constraints to reduce matches to a single ${what}`,
            );
        return matches[0];
    }
    named(type: string, what: string, predicate: (resource: DeclaredResource) => boolean): DeclaredResource {
        const match = this.ofType(type).find(predicate);
        if (!match) throw new Error(`${what} not found`);
        return match;
    }
}

type Answer = (inputs: Record<string, any>, account: Account) => Record<string, any>;

/** What AWS answers each invoke the programs make, by its token. */
const ANSWERS: Readonly<Record<string, Answer>> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_, account) => {
        return {
            names: [...account.zones],
            zoneIds: account.options.zoneIds
                ? [...account.options.zoneIds]
                : account.zones.map(
                      (_, index) => `${zoneIdPrefix(account.options.region ?? "us-west-2")}-az${index + 1}`,
                  ),
            id: "zones",
        };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => {
        return {
            id: MOCK_ACCOUNT,
            accountId: MOCK_ACCOUNT,
            arn: `arn:aws:sts::${MOCK_ACCOUNT}:assumed-role/deploy/session`,
            userId: "AROAEXAMPLE:session",
        };
    },
    "aws:ec2/getVpc:getVpc": (inputs, account) => {
        const vpc = account.exactlyOne(TYPES.vpc, "EC2 VPC", inputs.filters);
        return { id: vpc.id, cidrBlock: vpc.inputs.cidrBlock };
    },
    "aws:ec2/getSubnets:getSubnets": (inputs, account) => {
        return {
            id: "subnets",
            ids: account.tagged(TYPES.subnet, inputs.filters).map((subnet) => subnet.id),
        };
    },
    "aws:ec2/getSubnet:getSubnet": (inputs, account) => {
        const subnet = account.named(TYPES.subnet, `subnet ${inputs.id}`, (candidate) => candidate.id === inputs.id);
        return {
            id: subnet.id,
            availabilityZone: subnet.inputs.availabilityZone,
            cidrBlock: subnet.inputs.cidrBlock,
        };
    },
    "aws:ec2/getRouteTable:getRouteTable": (inputs, account) => {
        const association = account.named(
            TYPES.routeTableAssociation,
            `route table of subnet ${inputs.subnetId}`,
            (candidate) => candidate.inputs.subnetId === inputs.subnetId,
        );
        return { id: association.inputs.routeTableId, routeTableId: association.inputs.routeTableId };
    },
    "aws:ec2/getSecurityGroup:getSecurityGroup": (inputs, account) => {
        return {
            id: account.exactlyOne(TYPES.securityGroup, "EC2 Security Group", inputs.filters).id,
        };
    },
    "aws:ecr/getRepository:getRepository": (inputs, account) => {
        const repository = account.named(
            TYPES.repository,
            `ECR repository ${inputs.name}`,
            (r) => r.inputs.name === inputs.name,
        );
        return {
            id: repository.id,
            name: inputs.name,
            repositoryUrl: repository.state.repositoryUrl,
            arn: repository.state.arn,
        };
    },
    "aws:route53/getZone:getZone": (inputs, account) => {
        // The provider's own wording (SingularDataSourceFindError, as above).
        const zones = [...account.ofType(TYPES.zone), ...(account.options.extraZones ?? [])].filter(
            (zone) => zone.inputs.name === inputs.name,
        );
        if (zones.length === 0) throw new Error("no matching Route 53 Hosted Zone found");
        if (zones.length > 1)
            throw new Error(
                "multiple Route 53 Hosted Zones matched; use additional constraints to reduce matches to a single Route 53 Hosted Zone",
            );
        return { id: zones[0].state.zoneId, zoneId: zones[0].state.zoneId, name: inputs.name };
    },
    "aws:cloudwatch/getLogGroup:getLogGroup": (inputs, account) => {
        const group = account.named(
            TYPES.logGroup,
            `log group ${inputs.name}`,
            (candidate) => candidate.inputs.name === inputs.name,
        );
        return { id: inputs.name, name: inputs.name, arn: group.state.arn };
    },
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": (inputs, account) => {
        if (account.options.githubOidcProvider === false)
            throw new Error(`no OpenID Connect provider found with url ${inputs.url}`);
        const host = String(inputs.url).replace(/^https:\/\//, "");
        return {
            id: host,
            arn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${host}`,
            url: host,
            clientIdLists: ["sts.amazonaws.com"],
        };
    },
    "aws:ssm/getParameter:getParameter": (inputs) => {
        // AWS's public AMI parameters, as SSM answers them: the current image id.
        const ami = PUBLIC_AMI_PARAMETERS[inputs.name];
        if (!ami)
            throw new Error(
                `the offline cloud knows the parameters ${Object.keys(PUBLIC_AMI_PARAMETERS).join(", ")} only, not ${inputs.name}`,
            );
        return { id: inputs.name, name: inputs.name, type: "String", value: ami, insecureValue: ami };
    },
    "aws:iam/getPolicy:getPolicy": (inputs, account) => {
        if (account.options.iamDenied)
            throw new Error(
                `reading IAM Policy (${inputs.arn}): operation error IAM: GetPolicy, https response error StatusCode: 403, api error AccessDenied: not authorized to perform: iam:GetPolicy`,
            );
        const policy = account.ofType(TYPES.iamPolicy).find((candidate) => candidate.state.arn === inputs.arn);
        // IAM's error code for a policy that does not exist.
        if (!policy)
            throw new Error(
                `reading IAM Policy (${inputs.arn}): operation error IAM: GetPolicy, https response error StatusCode: 404, NoSuchEntity: Policy ${inputs.arn} was not found.`,
            );
        return { id: policy.state.arn, arn: policy.state.arn, name: policy.inputs.name };
    },
    "aws:elb/getServiceAccount:getServiceAccount": (inputs) => {
        const account = ELB_LOG_ACCOUNTS[inputs.region];
        if (!account)
            throw new Error(
                `the offline cloud knows the ELB log delivery account of ${Object.keys(ELB_LOG_ACCOUNTS).join(", ")} only`,
            );
        return { id: account, arn: `arn:aws:iam::${account}:root`, region: inputs.region };
    },
    "aws:servicediscovery/getDnsNamespace:getDnsNamespace": (inputs, account) => {
        // Cloud Map's namespaces by name and type; the provider words a miss as below.
        const type = inputs.type === "DNS_PRIVATE" ? TYPES.privateDnsNamespace : TYPES.publicDnsNamespace;
        const namespace = account.named(
            type,
            `Service Discovery Namespace (${inputs.name}/${inputs.type})`,
            (candidate) => candidate.inputs.name === inputs.name,
        );
        return {
            id: namespace.id,
            arn: namespace.state.arn,
            name: inputs.name,
            type: inputs.type,
            hostedZone: namespace.state.hostedZone,
            description: namespace.inputs.description ?? "",
            tags: namespace.inputs.tags ?? {},
        };
    },
    "aws:acm/getCertificate:getCertificate": (inputs, account) => {
        // ACM issues a DNS-validated certificate only once its zone answers, which base
        // declares by waiting on a CertificateValidation; until then it is PENDING_VALIDATION.
        const certificate = account.named(
            TYPES.certificate,
            `certificate for ${inputs.domain}`,
            (c) => c.inputs.domainName === inputs.domain,
        );
        const issued = account
            .ofType(TYPES.certificateValidation)
            .some((validation) => validation.inputs.certificateArn === certificate.state.arn);
        // The provider's wording for a data source that finds nothing (as for the zone above).
        if ((inputs.statuses ?? ["ISSUED"]).includes("ISSUED") && !issued)
            throw new Error("no matching ACM Certificate found");
        return { id: certificate.state.arn, arn: certificate.state.arn, domain: inputs.domain };
    },
};

export function fakeCloud(options: CloudOptions = {}): CloudDouble {
    const account = new Account(options);
    return {
        stackOutputs: (fullName) => options.stacks?.[fullName],
        invoke(token, inputs) {
            const answer = ANSWERS[token];
            if (!answer)
                throw new Error(
                    `the offline cloud does not know the invoke ${token}; teach offline/cloud.ts what AWS answers`,
                );
            return answer(inputs, account);
        },
    };
}

function matchesFilters(resource: DeclaredResource, filters: readonly Filter[]): boolean {
    return filters.every((filter) => {
        if (!filter.name.startsWith("tag:"))
            throw new Error(`the offline cloud only knows tag filters, not ${filter.name}`);
        const tags: Record<string, string> = resource.inputs.tags ?? {};
        return filter.values.includes(tags[filter.name.slice("tag:".length)]);
    });
}
