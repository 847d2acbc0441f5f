package schemacheck_test

import (
	"fmt"

	"github.com/ipvslint/ipvslint/internal/schemacheck"
)

func ExampleSchema_Violations() {
	s, err := schemacheck.CompileBytes("expect.schema.json", []byte(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
  "required": ["port"],
  "additionalProperties": false
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	violations, err := s.Violations([]byte(`{"port": 0, "proto": "TCP"}`), "expect")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range violations {
		fmt.Println(v)
	}
	// Output:
	// expect/port: minimum: got 0, want 1
	// expect: additional properties 'proto' not allowed
}
