import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { physicalName } from "../shared/naming";
import { tagsFor } from "../shared/tags";
import { BASE_COMPONENTS, dnsNames } from "./names";

/** Two days, the TTL parent zones such as .com give their own NS records. */
const DELEGATION_TTL_SECONDS = 172800;

export type CertificateStatus = "validated" | "awaiting delegation";

/** The names ACM validates separately: the zone name first, each wildcard folded into its base name. */
export function validationDomains(zoneName: string, alternativeNames: readonly string[]): string[] {
    return [...new Set([zoneName, ...alternativeNames].map((name) => name.replace(/^\*\./, "")))];
}

/**
 * The environment's own hosted zone (`<env>.<domain>`, or the apex in prod) and a certificate for the
 * zone name and `*.<zone name>`, which covers every hostname runtime points at the load balancer.
 *
 * ACM validates through the zone, which answers nothing until its parent delegates to it, and
 * `CertificateValidation` waits up to 75 minutes. So base waits for validation only when the zone is
 * known to be delegated: through `parentZoneId` (base writes the NS record itself), an existing
 * `zoneId`, or `dnsDelegated: true` once someone delegated it by hand. Until then the certificate
 * exists, base publishes the name servers to delegate to, and runtime serves HTTP.
 */
export class Dns extends pulumi.ComponentResource {
    readonly zoneId: pulumi.Output<string>;
    /** Name servers to delegate `zoneName` to; empty for an existing zone given as `zoneId`. */
    readonly nameServers: pulumi.Output<string[]>;
    /** The ARN once validation has passed, else empty, so runtime never attaches a pending certificate. */
    readonly certificateArn: pulumi.Output<string>;
    readonly certificateStatus: CertificateStatus;

    constructor(
        name: string,
        args: { config: BaseConfig; zoneName: string },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super(BASE_COMPONENTS.dns.type, name, {}, opts);
        const names = dnsNames(name);
        const { config, zoneName } = args;
        const child = { parent: this };

        const zone = config.zoneId
            ? undefined
            : new aws.route53.Zone(
                  names.zone,
                  {
                      name: zoneName,
                      comment: `${physicalName(config)}: managed by Pulumi`,
                      tags: tagsFor(config, zoneName),
                  },
                  { parent: this, protect: config.protect },
              );
        this.zoneId = zone ? zone.zoneId : pulumi.output(config.zoneId!);
        this.nameServers = zone ? zone.nameServers : pulumi.output([]);

        const delegation =
            zone && config.parentZoneId
                ? new aws.route53.Record(
                      names.delegation,
                      {
                          zoneId: config.parentZoneId,
                          name: zoneName,
                          type: "NS",
                          ttl: DELEGATION_TTL_SECONDS,
                          records: zone.nameServers,
                      },
                      child,
                  )
                : undefined;

        const certificate = new aws.acm.Certificate(
            names.certificate,
            {
                domainName: zoneName,
                subjectAlternativeNames: [...config.certificateAlternativeNames],
                validationMethod: "DNS",
                tags: tagsFor(config, physicalName(config, "certificate")),
            },
            child,
        );
        // ACM asks for one validation record per distinct name, a name and its wildcard sharing one
        // (ACM user guide, "DNS validation"). They live in this environment's own zone only: no other
        // stack writes them (no allowOverwrite), so deleting another environment never removes a
        // record this certificate's renewal needs.
        const records = validationDomains(zoneName, config.certificateAlternativeNames).map((domain, index) => {
            const validation = certificate.domainValidationOptions.apply(
                (options) =>
                    options.find((option) => option.domainName === domain) ??
                    options.find((option) => option.domainName === `*.${domain}`)!,
            );
            return new aws.route53.Record(
                names.validationRecord(domain, index),
                {
                    zoneId: this.zoneId,
                    name: validation.resourceRecordName,
                    type: validation.resourceRecordType,
                    records: [validation.resourceRecordValue],
                    ttl: 300,
                },
                child,
            );
        });
        this.certificateStatus = config.dnsDelegated ? "validated" : "awaiting delegation";
        this.certificateArn = config.dnsDelegated
            ? new aws.acm.CertificateValidation(
                  names.validation,
                  { certificateArn: certificate.arn, validationRecordFqdns: records.map((record) => record.fqdn) },
                  { parent: this, dependsOn: delegation ? [delegation] : [] },
              ).certificateArn
            : pulumi.output("");

        this.registerOutputs({
            zoneId: this.zoneId,
            nameServers: this.nameServers,
            certificateArn: this.certificateArn,
        });
    }
}
