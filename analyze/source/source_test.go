package source

import (
	"strings"
	"testing"
)

func TestClipN(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"empty", "", 5, ""},
		{"shorter", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"longer", "abcdef", 5, "abcde…"},
		{"zero", "abc", 0, "…"},
		{"negative", "abc", -1, "…"},
		{"negative empty", "", -1, ""},
		{"cut before a rune", "abcdé", 4, "abcd…"},
		{"cut inside a rune", "abcdé", 5, "abcd…"},
		{"cut after a rune", "abcdéf", 6, "abcdé…"},
		{"cut inside a 4-byte rune", "ab😀c", 5, "ab…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ClipN(tt.in, tt.n); got != tt.want {
				t.Errorf("ClipN(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("x", 100)
	if got, want := Clip(long), long[:80]+"…"; got != want {
		t.Errorf("Clip(100 bytes) = %q, want %q", got, want)
	}
	if got := Clip(long[:80]); got != long[:80] {
		t.Errorf("Clip(80 bytes) = %q, want it unchanged", got)
	}
}
