package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/internal/golden"
)

// The README's list of rules is what `rules doc --summary` writes, between
// these markers.
const (
	rulesBegin = "<!-- rules:begin -->\n"
	rulesEnd   = "<!-- rules:end -->\n"
)

// rulesDoc runs `ipvslint rules doc` in process with args.
func rulesDoc(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"ipvslint", "rules", "doc"}, args...), &out, &errb); code != 0 {
		t.Fatalf("rules doc %s: exit code %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// TestRulesDoc checks that rules/README.md and the README's list of rules
// are what `ipvslint rules doc` generates from the built-in pack; -update
// rewrites them.
func TestRulesDoc(t *testing.T) {
	repo := filepath.Join("..", "..")
	const refresh = "refresh it with `go test ./cmd/ipvslint -run TestRulesDoc -update`"

	catalogue := filepath.Join(repo, "rules", "README.md")
	want := rulesDoc(t)
	if golden.Update() {
		if err := os.WriteFile(catalogue, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := os.ReadFile(catalogue); err != nil || string(got) != want {
		t.Errorf("rules/README.md is not the output of `go run ./cmd/ipvslint rules doc` (%v): %s or `go generate ./rules`", err, refresh)
	}

	readme := filepath.Join(repo, "README.md")
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(b), rulesBegin)
	_, after, ok2 := strings.Cut(rest, rulesEnd)
	if !ok1 || !ok2 {
		t.Fatalf("README.md has no %q ... %q section", strings.TrimSpace(rulesBegin), strings.TrimSpace(rulesEnd))
	}
	fresh := before + rulesBegin + rulesDoc(t, "--summary") + rulesEnd + after
	if golden.Update() {
		if err := os.WriteFile(readme, []byte(fresh), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if string(b) != fresh {
		t.Errorf("the rule list of README.md (between the rules markers) is not the output of `go run ./cmd/ipvslint rules doc --summary`: %s", refresh)
	}
}
