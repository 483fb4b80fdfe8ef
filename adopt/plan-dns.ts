import { validationDomains } from "../base/dns";
import { BASE_COMPONENTS, dnsNames } from "../base/names";
import { ENVIRONMENTS } from "../shared/environments";
import { environmentZoneName } from "../shared/naming";
import { PlanBuilder, TAGS_CHANGE } from "./plan-builder";
import { StateObject } from "./terraform-state";
import { TYPES } from "../shared/resource-types";

/** The old zone, its delegation record, the certificate and its validation records, all only with a domain. */

const parent = BASE_COMPONENTS.dns.name;
const names = dnsNames(parent);
const ZONE = TYPES.zone;
const RECORD = TYPES.record;
const CERTIFICATE = TYPES.certificate;

const stripDot = (name: string) => String(name).replace(/\.$/, "");
// Import id of a record: <zone id>_<name>_<type> (aws.route53.Record docs).
const recordId = (record: StateObject, type: string = record.attributes.type) =>
    `${record.attributes.zone_id}_${stripDot(record.attributes.name)}_${type}`;

/** Maps the zone and sets domain, zoneName, parentZoneId and dnsDelegated (an adopted zone is delegated). */
export function planDns(plan: PlanBuilder): void {
    const [zone] = plan.find("aws_route53_zone");
    if (!zone) return;
    const zoneName = stripDot(zone.attributes.name);
    plan.adopt(zone, { type: ZONE, logicalName: names.zone, parent }, zone.attributes.zone_id, [
        "comment and tags become this project's",
    ]);
    plan.expect(zone, { type: ZONE, logicalName: names.zone }, "name", zoneName);
    plan.config.domain = zoneName;
    if (environmentZoneName(zoneName, plan.scope.env, ENVIRONMENTS[plan.scope.env].zoneAtApex) !== zoneName)
        plan.config.zoneName = zoneName;
    plan.config.dnsDelegated = "true";
    const [delegation] = plan.find("aws_route53_record", "zone_delegation");
    if (delegation) {
        plan.adopt(delegation, { type: RECORD, logicalName: names.delegation, parent }, recordId(delegation, "NS"));
        plan.config.parentZoneId = delegation.attributes.zone_id;
    }
    const [certificate] = plan.find("aws_acm_certificate");
    if (certificate) planCertificate(plan, certificate, zoneName);
    else plan.create(CERTIFICATE, names.certificate, "aws_acm_certificate");
    for (const validation of plan.find("aws_acm_certificate_validation"))
        plan.line(
            validation,
            "created anew",
            "no cloud object of its own: the program's CertificateValidation only waits for the already issued certificate",
        );
}

/** The certificate (its names force a replacement) and one validation record per name ACM validates. */
function planCertificate(plan: PlanBuilder, certificate: StateObject, zoneName: string): void {
    const domainName = certificate.attributes.domain_name;
    const alternatives: string[] = (certificate.attributes.subject_alternative_names ?? []).filter(
        (name: string) => name !== domainName,
    );
    const target = { type: CERTIFICATE, logicalName: names.certificate };
    plan.adopt(certificate, { ...target, parent }, certificate.attributes.arn, [TAGS_CHANGE]);
    plan.expect(certificate, target, "domainName", domainName);
    plan.expect(certificate, target, "subjectAlternativeNames", [...alternatives].sort());
    if (JSON.stringify(alternatives) !== JSON.stringify([`*.${zoneName}`]))
        plan.config.certificateAlternativeNames = JSON.stringify(alternatives);
    const domains = validationDomains(zoneName, alternatives);
    // HashiCorp's documented for_each over domain_validation_options keys x and *.x apart, but ACM
    // gives them one record, so both instances hold one id: import it once.
    const firstOfRecord = new Map<string, string>();
    for (const record of plan.find("aws_route53_record", "cert_validation")) {
        const shared = firstOfRecord.get(record.attributes.id);
        if (shared) {
            plan.line(
                record,
                "adopted",
                `the same record as ${shared} (a name and its wildcard share one validation record); imported once`,
            );
            continue;
        }
        firstOfRecord.set(record.attributes.id, record.address);
        const domain = String(record.index).replace(/^\*\./, "");
        const logicalName = names.validationRecord(domain, domains.indexOf(domain));
        plan.adopt(record, { type: RECORD, logicalName, parent }, recordId(record));
        plan.expect(record, { type: RECORD, logicalName }, "type", record.attributes.type);
    }
}
