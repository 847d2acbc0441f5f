package source

import (
	"strings"
	"testing"
)

func TestScanner(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		max      int
		first    int
		want     []string
		lines    []int
		warnings []string
		partial  bool
	}{
		{name: "empty", in: "", first: 1},
		{name: "crlf", in: "a\r\nb\r\n", first: 1, want: []string{"a", "b"}, lines: []int{1, 2}},
		{name: "no final newline", in: "a\nb", first: 1, want: []string{"a", "b"}, lines: []int{1, 2}, partial: true},
		{name: "offset", in: "x\ny\n", first: 10, want: []string{"x", "y"}, lines: []int{10, 11}},
		{name: "blank lines kept", in: "\n\nz\n", first: 1, want: []string{"", "", "z"}, lines: []int{1, 2, 3}},
		{name: "too long skipped", in: "short\n" + strings.Repeat("x", 200) + "\nafter\n", max: 100, first: 1,
			want: []string{"short", "after"}, lines: []int{1, 3},
			warnings: []string{"f:2: line too long (skipped): \"" + strings.Repeat("x", 80) + "…\""}},
		{name: "long line over buffer", in: strings.Repeat("y", 200<<10) + "\nend\n", first: 1,
			want: []string{strings.Repeat("y", 200<<10), "end"}, lines: []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner(strings.NewReader(tt.in), "f", tt.first)
			if tt.max > 0 {
				s.MaxLine = tt.max
			}
			var got []string
			var lines []int
			partial := false
			for s.Scan() {
				got = append(got, s.Text())
				lines = append(lines, s.Pos().Line)
				partial = s.Partial()
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("lines = %q, want %q", got, tt.want)
			}
			for i := range lines {
				if lines[i] != tt.lines[i] {
					t.Errorf("line numbers = %v, want %v", lines, tt.lines)
					break
				}
			}
			if partial != tt.partial {
				t.Errorf("partial = %v, want %v", partial, tt.partial)
			}
			var warns []string
			for _, w := range s.Warnings() {
				warns = append(warns, w.String())
			}
			if strings.Join(warns, "\n") != strings.Join(tt.warnings, "\n") {
				t.Errorf("warnings = %q, want %q", warns, tt.warnings)
			}
		})
	}
}

func TestShellFailure(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"bash: ipvsadm: command not found", true},
		{"sh: 1: ipvsadm: not found", true},
		{"cat: /proc/net/nf_conntrack: Permission denied", true},
		{"TCP  10.96.0.1:443 rr", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ShellFailure(tt.in); got != tt.want {
			t.Errorf("ShellFailure(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
