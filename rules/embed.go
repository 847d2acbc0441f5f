// Package rules holds ipvslint's built-in rule pack: Rego files, one package
// per rule, under builtin/<area>/, with the shared helpers in builtin/lib.
// docs/rules.md describes how a rule is written and tested.
package rules

import "embed"

// README.md is the catalogue of the built-in rules generated from their
// METADATA; go test ./cmd/ipvslint fails when it is stale.
//go:generate go run ../cmd/ipvslint rules doc -o README.md

// Builtin is the built-in rule pack as shipped in the binary. Its root holds
// the directory "builtin"; rule files are builtin/<area>/<rule-id>.rego and
// their tests builtin/<area>/<rule-id>_test.rego.
//
//go:embed builtin
var Builtin embed.FS
