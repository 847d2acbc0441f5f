package jsonschema_test

import (
	"fmt"

	"github.com/ipvslint/ipvslint/internal/jsonschema"
)

func ExampleSchema_Validate() {
	s, err := jsonschema.Compile([]byte(`{
  "type": "object",
  "properties": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
  "required": ["port"],
  "additionalProperties": false
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	violations, err := s.Validate([]byte(`{"port": 0, "proto": "TCP"}`), "expect")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range violations {
		fmt.Println(v)
	}
	// Output:
	// expect.port: 0 < 1
	// expect: proto is not in the schema
}
