// Package jsonschema checks JSON documents against the small subset of JSON
// Schema draft 2020-12 that ipvslint's contract schemas use
// (docs/input.schema.json, docs/report.schema.json).
//
// The keywords understood are $schema, $id, $defs (at the root only), $ref
// (to "#/$defs/NAME" only), title, description, type (one name: object,
// array, string, number, integer, boolean or null), properties, required,
// additionalProperties (false, true or a schema), items, enum, const, oneOf,
// minimum and maximum. Any other keyword, or a keyword with a value of the
// wrong shape, makes [Compile] fail: a schema must never say more than is
// checked.
//
// It exists for tests, which check that what ipvslint writes is what its
// documented schemas promise; it is not a general validator.
package jsonschema
