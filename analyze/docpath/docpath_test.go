package docpath

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []string // Paths() of the set
	}{
		{"none", nil, nil},
		{"root", []string{"input"}, []string{"input"}},
		{"keys", []string{"input.nodes[_].conntrack.flows"}, []string{"input.nodes[_].conntrack.flows"}},
		{"quoted", []string{`input.nodes[_].sysctl["net.ipv4.vs.conntrack"]`}, []string{`input.nodes[_].sysctl["net.ipv4.vs.conntrack"]`}},
		{"index is any", []string{"input.options.expect[0].ip"}, []string{"input.options.expect[_].ip"}},
		{"whole absorbs below", []string{"input.nodes[_].diff.x", "input.nodes[_].diff"}, []string{"input.nodes[_].diff"}},
		{"root absorbs all", []string{"input.cluster", "input"}, []string{"input"}},
		{"siblings", []string{"input.b", "input.a"}, []string{"input.a", "input.b"}},
		{"quoted identifier", []string{`input["cluster"]`}, []string{"input.cluster"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.paths)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Paths(); !slices.Equal(got, tt.want) {
				t.Errorf("Paths() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ path, want string }{
		{"data.x", `path "data.x" does not start with input`},
		{"input..x", `path "input..x": empty key`},
		{"input[_", `path "input[_": unclosed [`},
		{`input["x]`, `path "input[\"x]": invalid syntax`},
		{`input["x"`, `path "input[\"x\"": want ] after "x"`},
		{"input x", `path "input x": unexpected " "`},
	}
	for _, tt := range tests {
		if _, err := Parse([]string{tt.path}); err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v, want %s", tt.path, err, tt.want)
		}
	}
}

func TestChild(t *testing.T) {
	s := MustParse("input.nodes[_].captures", `input.nodes["node-a"].virtualServers`, "input.cluster.version.known")
	tests := []struct {
		keys []string
		has  bool
		full bool
	}{
		{[]string{"nodes"}, true, false},
		{[]string{"nodes", "node-b", "captures"}, true, true},
		{[]string{"nodes", "node-b", "virtualServers"}, false, false},
		{[]string{"nodes", "node-a", "virtualServers"}, true, true},
		{[]string{"nodes", "node-a", "captures", "ipvsadm", "status"}, true, true},
		{[]string{"cluster", "version"}, true, false},
		{[]string{"cluster", "services"}, false, false},
		{[]string{"options"}, false, false},
	}
	for _, tt := range tests {
		if got := s.Has(tt.keys...); got != tt.has {
			t.Errorf("Has(%q) = %v, want %v", tt.keys, got, tt.has)
		}
		c := s
		for _, k := range tt.keys {
			c = c.Child(k)
		}
		if c.Whole() != tt.full {
			t.Errorf("Child(%q).Whole() = %v, want %v", tt.keys, c.Whole(), tt.full)
		}
	}
	if got := s.Child("nodes").Child("node-a").Paths(); !slices.Equal(got, []string{"input.captures", "input.virtualServers"}) {
		t.Errorf("the union of node-a and [_] = %q", got)
	}
	empty, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, none := range map[string]*Set{"nil": nil, "empty": empty} {
		if none.Has() || none.Child("x") != nil || none.Whole() || none.Paths() != nil {
			t.Errorf("the %s Set holds something", name)
		}
	}
	if empty == nil {
		t.Error("Parse(nil) is nil, which input.Options.Reads takes as everything")
	}
	if !All().Child("anything").Whole() {
		t.Error("All does not hold everything")
	}
}

func TestUnion(t *testing.T) {
	tests := []struct {
		name string
		sets []*Set
		want []string
	}{
		{"none", nil, nil},
		{"nil sets", []*Set{nil, nil}, nil},
		{"disjoint", []*Set{MustParse("input.a"), nil, MustParse("input.b.c")}, []string{"input.a", "input.b.c"}},
		{"merged below a key", []*Set{MustParse("input.nodes[_].ipvs0"), MustParse("input.nodes[_].addresses", "input.cluster")},
			[]string{"input.cluster", "input.nodes[_].addresses", "input.nodes[_].ipvs0"}},
		{"whole absorbs below", []*Set{MustParse("input.nodes[_].diff.x"), MustParse("input.nodes[_].diff")}, []string{"input.nodes[_].diff"}},
		{"all", []*Set{MustParse("input.a"), All()}, []string{"input"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := Union(tt.sets...)
			if u == nil {
				t.Fatal("Union is nil")
			}
			if got := u.Paths(); !slices.Equal(got, tt.want) {
				t.Errorf("Paths() = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzParse checks that what Parse accepts prints back as paths that parse
// to the same set.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"input", "input.nodes[_].diff", `input.x["a.b"][3].y`, "input..", `input["\u00e9"]`, "input[", "data"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		s, err := Parse([]string{p})
		if err != nil {
			return
		}
		again, err := Parse(s.Paths())
		if err != nil {
			t.Fatalf("Paths() of %q do not parse: %v", p, err)
		}
		if !slices.Equal(again.Paths(), s.Paths()) {
			t.Fatalf("round trip of %q: %q, then %q", p, s.Paths(), again.Paths())
		}
	})
}
