package engine

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// inputPaths returns the paths of the input document that the compiled
// modules read, directly or through the rules and functions of other
// packages they refer to, sorted. A path read as a whole (input.nodes, in
// `some name, node in input.nodes`) stands for everything below it, as the
// module may read any of it through a variable.
func inputPaths(c *ast.Compiler, modules []*ast.Module) []string {
	seen := map[*ast.Rule]bool{}
	paths := map[string]bool{}
	var visit func(x any)
	visit = func(x any) {
		ast.WalkRefs(x, func(ref ast.Ref) bool {
			switch {
			case ref.HasPrefix(ast.InputRootRef):
				paths[inputPath(ref)] = true
			case ref.HasPrefix(ast.DefaultRootRef):
				for _, r := range c.GetRules(ref) {
					if !seen[r] {
						seen[r] = true
						visit(r)
					}
				}
			}
			return false
		})
	}
	for _, m := range modules {
		for _, r := range m.Rules {
			seen[r] = true
		}
	}
	for _, m := range modules {
		for _, r := range m.Rules {
			visit(r)
		}
	}
	return slices.Sorted(maps.Keys(paths))
}

// compact returns the sorted paths without those below another, which
// stands for them as a path read as a whole (input.nodes[_].name goes when
// input.nodes is there): how a rule's reads are shown.
func compact(all []string) []string {
	out := []string{}
	for _, p := range all {
		if !slices.ContainsFunc(all, func(q string) bool {
			rest, ok := strings.CutPrefix(p, q)
			return ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "["))
		}) {
			out = append(out, p)
		}
	}
	return out
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// inputPath writes a reference below input as a path: constant keys as
// .key (or ["key"] when key is not an identifier) and [n], anything else
// as [_].
func inputPath(ref ast.Ref) string {
	var b strings.Builder
	b.WriteString("input")
	for _, t := range ref[1:] {
		switch v := t.Value.(type) {
		case ast.String:
			if identifier.MatchString(string(v)) {
				b.WriteString("." + string(v))
			} else {
				b.WriteString("[" + strconv.Quote(string(v)) + "]")
			}
		case ast.Number:
			b.WriteString("[" + v.String() + "]")
		default:
			b.WriteString("[_]")
		}
	}
	return b.String()
}
