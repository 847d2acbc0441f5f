package engine

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestCapabilities checks the sandbox family by family: nothing that
// reaches the network, the environment or the clock, nor chance, while the
// pure builtins rules need stay.
func TestCapabilities(t *testing.T) {
	have := map[string]bool{}
	for _, b := range Capabilities().Builtins {
		have[b.Name] = true
	}
	for _, tt := range []struct {
		family  string
		refused []string
		allowed []string
	}{
		{"network", []string{"http.send", "net.lookup_ip_addr", "json.match_schema", "json.verify_schema"},
			[]string{"net.cidr_contains", "net.cidr_merge", "net.cidr_is_valid"}},
		{"environment", []string{"opa.runtime"}, []string{"rego.metadata.rule"}},
		{"clock", []string{"time.now_ns", "io.jwt.decode_verify", "crypto.x509.parse_and_verify_certificates",
			"crypto.x509.parse_and_verify_certificates_with_options"},
			[]string{"time.parse_rfc3339_ns", "time.add_date", "crypto.x509.parse_certificates"}},
		{"chance", []string{"rand.intn", "uuid.rfc4122", "io.jwt.encode_sign", "io.jwt.encode_sign_raw"},
			[]string{"crypto.sha256", "uuid.parse"}},
	} {
		t.Run(tt.family, func(t *testing.T) {
			for _, name := range tt.refused {
				if _, known := ast.BuiltinMap[name]; !known {
					t.Errorf("%s is not a builtin of this OPA version", name)
				}
				if have[name] {
					t.Errorf("%s is allowed", name)
				}
			}
			for _, name := range tt.allowed {
				if !have[name] {
					t.Errorf("%s is refused", name)
				}
			}
		})
	}
}

// TestForbiddenCall loads a pack calling each refused builtin: New refuses
// it, naming the file, the line and the builtin.
func TestForbiddenCall(t *testing.T) {
	for _, call := range []string{
		`http.send({"method": "GET", "url": "http://169.254.169.254/"})`,
		`net.lookup_ip_addr("example.com")`,
		`opa.runtime()`,
		`time.now_ns()`,
		`crypto.x509.parse_and_verify_certificates("")`,
		`rand.intn("x", 10)`,
		`uuid.rfc4122("x")`,
	} {
		name := call[:strings.Index(call, "(")]
		t.Run(name, func(t *testing.T) {
			src := fmt.Sprintf(`# METADATA
# title: calls %s
# custom:
#   id: calls
#   severity: info
package ipvslint.rules.calls

findings contains f if {
	x := %s
	f := {"node": "", "service": "", "target": "", "message": sprintf("%%v", [x]), "evidence": []}
}
`, name, call)
			_, err := New(Options{NoBuiltin: true, Packs: []Pack{{Name: "mypack", FS: fstest.MapFS{"calls.rego": {Data: []byte(src)}}}}})
			want := "mypack/calls.rego:9: builtin " + name + " is not allowed in rules: results must not depend on the network, the environment, the clock or chance"
			if err == nil || err.Error() != want {
				t.Errorf("New() error = %v\nwant %s", err, want)
			}
		})
	}
}
