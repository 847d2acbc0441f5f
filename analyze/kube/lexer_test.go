package kube

import (
	"strings"
	"testing"
)

// TestLexer checks which lines the lexer takes as starting in the block
// structure ('s' in want, one letter per line), where a List may be cut,
// and when it gives up following the document.
func TestLexer(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // per line: 's' structural, '.' not
		lost     bool
	}{
		{"kubectl", "apiVersion: v1\nitems:\n- kind: Service\n  metadata:\n    name: a\n\n# c\n- kind: Node\nkind: List\n", "sssss..ss", false},
		{"double quoted", "- a: \"x\n- y\"\n  b: 1\n- c\n", "s.ss", false},
		{"single quoted", "- a: 'it''s\n- y'\n- c\n", "s.s", false},
		{"escaped quote", "- a: \"x\\\"\n- y\"\n- c\n", "s.s", false},
		{"flow", "- a: [1,\n- 2, {b: \"]\n- \"}]\n- c\n", "s..s", false},
		{"flow closed", "- a: {}\n- b: [x, y] # c\n", "ss", false},
		{"literal", "- a: |\n    \"x\n- y\n- b: 1\n", "s.ss", false},
		{"literal in entry", "- |\n  - x\n- y\n", "s.s", false},
		{"plain continued", "- a: x\n    \"y\n- b\n", "s.s", false},
		{"comment after plain", "- a: x # \"y\n- b\n", "ss", false},
		{"quote inside plain", "- a: it's\n- b: x\"y\n- c\n", "sss", false},
		{"anchor", "- a: &x 1\n- b: *x\n", "ss", true},
		{"anchor in flow", "- a: [&x 1]\n", "s", true},
		{"alias key", "- *x : 1\n", "s", false},
		{"complex key", "- ? a\n  : b\n", "ss", true},
		{"bare value", "a:\n  b\n", "ss", true},
		{"tab indent", "a:\n\tb: 1\n", "ss", true},
		{"quoted key", "- \"a\": \"b\n- c\"\n- d\n", "s.s", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lx yamlLexer
			var got strings.Builder
			for _, line := range strings.SplitAfter(strings.TrimSuffix(tt.in, "\n"), "\n") {
				if lx.scan([]byte(line)) {
					got.WriteByte('s')
				} else {
					got.WriteByte('.')
				}
			}
			if got.String() != tt.want || lx.lost != tt.lost {
				t.Errorf("got %s lost=%v, want %s lost=%v", got.String(), lx.lost, tt.want, tt.lost)
			}
		})
	}
}
