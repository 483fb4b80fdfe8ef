import { strict as assert } from "assert";
import { DeclaredResource, Evaluation, EvaluationError } from "../offline/engine";

export { TYPES } from "../shared/resource-types";

export function ofType(evaluation: Evaluation, type: string): DeclaredResource[] {
    return evaluation.resources.filter((resource) => resource.type === type);
}

/** The list, after asserting it has something in it: a loop or `.every()` over an empty list checks nothing. */
export function nonEmpty<T>(list: T[]): T[] {
    assert.ok(list.length > 0, "expected at least one");
    return list;
}

/** The one resource of a type (and logical name, when given); fails if there are none or several. */
export function single(evaluation: Evaluation, type: string, name?: string): DeclaredResource {
    const matches = ofType(evaluation, type).filter((resource) => name === undefined || resource.name === name);
    if (matches.length !== 1) {
        throw new Error(
            `expected one ${type}${name ? ` named ${name}` : ""} in ${evaluation.stack}, found ${matches.length}`,
        );
    }
    return matches[0];
}

/** Type tokens are `<package>:<module>/<name>:<Name>`; the module says which AWS service a resource belongs to. */
export function awsModule(type: string): string {
    return type.split(":")[1]?.split("/")[0] ?? "";
}

export function containerDefinitions(taskDefinition: DeclaredResource): any[] {
    return JSON.parse(taskDefinition.inputs.containerDefinitions);
}

/** The error a program evaluation fails with; fails the test if it succeeds. */
export function failureOf(evaluation: Promise<unknown>): Promise<EvaluationError> {
    return evaluation.then(
        () => assert.fail("expected the program to fail"),
        (error) => error,
    );
}
