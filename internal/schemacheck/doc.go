// Package schemacheck checks JSON documents against ipvslint's contract
// schemas (docs/input.schema.json, docs/report.schema.json) with the JSON
// Schema validator github.com/santhosh-tekuri/jsonschema/v6, for tests.
//
// It is strict where a validator alone is lenient: schemas are compiled
// offline (a $ref to anything but the schema itself, or a $schema other
// than a metaschema the validator embeds, is refused rather than fetched),
// formats are asserted, and a keyword draft 2020-12 does not define is an
// error, since a misspelt keyword would check nothing.
package schemacheck
