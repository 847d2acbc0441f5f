package engine

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one test_ rule of a rule pack.
type TestResult struct {
	Name   string // the test's package and rule: ipvslint.rules.vs_missing_test.test_fires
	File   string // its file, with its pack's name
	Line   int    // the line of the test_ rule
	Fail   bool   // the test ran and its body was not true
	Skip   bool   // a todo_ test, not run
	Err    error  // the test could not be evaluated (a builtin error, the timeout)
	Output string // what the test's print calls wrote
}

// Passed reports whether the test ran and passed.
func (r TestResult) Passed() bool { return !r.Fail && !r.Skip && r.Err == nil }

// Test runs the tests of opts.Packs as `opa test` does: the test_ rules of
// their *_test.rego files, compiled with the rules' [Capabilities] (print
// allowed) beside the rules and helpers of the built-in pack (left out by
// opts.NoBuiltin) so that tests may use data.ipvslint.lib. The built-in
// pack's own tests are run only when it is one of opts.Packs. Each test is
// bounded by opts.Timeout ([DefaultTimeout] when zero).
//
// The results are sorted by file and line. An error means the packs do not
// compile; like [New]'s, it names the file and line.
func Test(ctx context.Context, opts Options) ([]TestResult, error) {
	modules, _, err := loadModules(opts.Packs, true)
	if err != nil {
		return nil, err
	}
	if !opts.NoBuiltin {
		builtin, _, err := loadModules([]Pack{BuiltinPack()}, false)
		if err != nil {
			return nil, err
		}
		for file, m := range builtin {
			if _, dup := modules[file]; !dup {
				modules[file] = m
			}
		}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	compiler := newCompiler(false).WithEnablePrintStatements(true)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetModules(modules).
		CapturePrintOutput(true).
		SetTimeout(timeout).
		RunTests(ctx, nil)
	if err != nil {
		return nil, compileError(err)
	}
	var out []TestResult
	for r := range ch {
		t := TestResult{
			Name: strings.TrimPrefix(r.Package, "data.") + "." + r.Name,
			Fail: r.Fail, Skip: r.Skip, Err: r.Error, Output: string(r.Output),
		}
		if r.Location != nil {
			t.File, t.Line = r.Location.File, r.Location.Row
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b TestResult) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}
