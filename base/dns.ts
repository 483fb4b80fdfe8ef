import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/load";
import { physicalName } from "../shared/naming";
import { tagsFor } from "../shared/tags";

/**
 * The domain's hosted zone (created here, or an existing one given as `zoneId`) and a certificate
 * for the domain and `*.<domain>`, which covers every hostname runtime points at the load balancer.
 */
export class Dns extends pulumi.ComponentResource {
    readonly zoneId: pulumi.Output<string>;
    /** The ARN once validation has passed, so runtime never attaches a pending certificate. */
    readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: { config: BaseConfig; domain: string }, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:base:Dns", name, {}, opts);
        const { config, domain } = args;
        const child = { parent: this };

        this.zoneId = config.zoneId
            ? pulumi.output(config.zoneId)
            : new aws.route53.Zone(
                  `${name}-zone`,
                  { name: domain, comment: `${physicalName(config)}: managed by Pulumi`, tags: tagsFor(config, domain) },
                  { parent: this, protect: config.protect },
              ).zoneId;

        const certificate = new aws.acm.Certificate(
            `${name}-certificate`,
            {
                domainName: domain,
                subjectAlternativeNames: [`*.${domain}`],
                validationMethod: "DNS",
                tags: tagsFor(config, physicalName(config, "certificate")),
            },
            child,
        );
        // The apex and its wildcard share one validation record, so one record validates both.
        const validation = certificate.domainValidationOptions[0];
        const record = new aws.route53.Record(
            `${name}-certificate-validation`,
            {
                zoneId: this.zoneId,
                name: validation.resourceRecordName,
                type: validation.resourceRecordType,
                records: [validation.resourceRecordValue],
                ttl: 300,
                allowOverwrite: true,
            },
            child,
        );
        this.certificateArn = new aws.acm.CertificateValidation(
            `${name}-certificate-validation`,
            { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
            child,
        ).certificateArn;

        this.registerOutputs({ zoneId: this.zoneId, certificateArn: this.certificateArn });
    }
}
