package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/rules"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// DefaultTimeout bounds one evaluation when [Options.Timeout] is zero. It
// stops a runaway rule, not a big bundle: the built-in rules take one to two
// seconds on a 10,000-Service, 5-node bundle on 2 cores (docs/performance.md);
// a user's pack that reads the whole inventory takes longer.
const DefaultTimeout = 3 * time.Minute

// RulesPackage is the package under which every rule package lives: a rule
// is package ipvslint.rules.<rule_id>.
const RulesPackage = "ipvslint.rules"

// Pack is a rule pack: every *.rego file in FS, at any depth, except the
// tests (*_test.rego), which are run by `go test ./rules` or `opa test`.
type Pack struct {
	// Name is put before the paths inside FS to name the files in messages
	// and in [Rule.File]: "rules/builtin" for the built-in pack, the
	// directory given to --rules for a user's pack.
	Name string
	FS   fs.FS
}

// builtinName is the name of the built-in pack.
const builtinName = "rules/builtin"

// BuiltinPack returns the built-in rule pack embedded in the binary.
func BuiltinPack() Pack {
	sub, err := fs.Sub(rules.Builtin, "builtin")
	if err != nil {
		panic(err) // "builtin" is a valid path: fs.Sub cannot fail on it
	}
	return Pack{Name: builtinName, FS: sub}
}

// BuiltinLib returns the helpers of the built-in pack (package ipvslint.lib,
// rules/builtin/lib) without its rules: the pack to load beside a user's
// pack that uses them when the built-in rules are left out.
func BuiltinLib() Pack {
	sub, err := fs.Sub(rules.Builtin, "builtin/lib")
	if err != nil {
		panic(err) // "builtin/lib" is a valid path: fs.Sub cannot fail on it
	}
	return Pack{Name: "rules/builtin/lib", FS: sub}
}

// Options configure [New]. The zero Options load the built-in pack and use
// [DefaultTimeout].
type Options struct {
	// Packs are loaded after the built-in pack (--rules directories).
	Packs []Pack
	// NoBuiltin leaves the built-in pack out, so that only Packs are loaded.
	NoBuiltin bool
	// Timeout bounds each [Engine.Evaluate]; zero means DefaultTimeout.
	Timeout time.Duration
}

// Engine holds the compiled rule packs and the prepared queries. It is
// safe for concurrent use by several goroutines.
type Engine struct {
	rules    []Rule         // sorted by ID
	packages []packageQuery // by package name
	timeout  time.Duration
	reads    *docpath.Set  // what the rules read of the input document
	compiler *ast.Compiler // the packs, compiled once: other queries are prepared on it (query.go)
}

// packageQuery is the prepared query of one rule package's findings.
type packageQuery struct {
	rule  *Rule
	query rego.PreparedEvalQuery
}

// packageQueries prepares the query of each rule package's findings, by
// package name: Evaluate runs the packages over one input value on all
// cores, each package on whichever core is free.
func packageQueries(compiler *ast.Compiler, byPackage map[string]*Rule) ([]packageQuery, error) {
	var out []packageQuery
	for _, pkg := range slices.Sorted(maps.Keys(byPackage)) {
		ref := ast.MustParseRef("data." + RulesPackage).Append(ast.StringTerm(pkg)).Append(ast.StringTerm("findings"))
		q, err := rego.New(rego.ParsedQuery(ast.NewBody(ast.NewExpr(ast.NewTerm(ref)))), rego.Compiler(compiler)).PrepareForEval(context.Background())
		if err != nil {
			return nil, fmt.Errorf("prepare the rules of %s: %w", pkg, err)
		}
		out = append(out, packageQuery{rule: byPackage[pkg], query: q})
	}
	return out, nil
}

// New loads, compiles and checks the rule packs and prepares their
// evaluation. An error means the rule pack is invalid; it names the file,
// and the line where there is one.
func New(opts Options) (*Engine, error) {
	packs := opts.Packs
	if !opts.NoBuiltin {
		packs = append([]Pack{BuiltinPack()}, packs...)
	}
	modules, packOf, err := loadModules(packs, false)
	if err != nil {
		return nil, err
	}
	if modules[withFile], err = ast.ParseModuleWithOpts(withFile, withModule, ast.ParserOptions{RegoVersion: ast.RegoV1}); err != nil {
		return nil, err
	}
	compiler := newCompiler(!opts.NoBuiltin && len(opts.Packs) == 0)
	if compiler.Compile(modules); compiler.Failed() {
		return nil, compileError(compiler.Errors)
	}
	ruleList, err := readRules(compiler, packOf)
	if err != nil {
		return nil, err
	}
	reads, err := docpath.Parse(inputPaths(compiler, ruleModules(compiler)))
	if err != nil {
		return nil, err
	}
	e := &Engine{rules: ruleList, timeout: opts.Timeout, reads: reads, compiler: compiler}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	catalog, err := rules.Catalog()
	if err != nil {
		return nil, err
	}
	byPackage := make(map[string]*Rule, len(e.rules)) // package name below ipvslint.rules → rule
	for i := range e.rules {
		r := &e.rules[i]
		byPackage[r.Package[len(RulesPackage)+1:]] = r
		r.Catalog = r.Pack == builtinName && slices.ContainsFunc(catalog, func(c rules.CatalogEntry) bool { return c.ID == r.ID })
	}
	if e.packages, err = packageQueries(compiler, byPackage); err != nil {
		return nil, err
	}
	return e, nil
}

// newCompiler returns a compiler with [Capabilities]. builtinOnly says
// that the built-in pack is loaded alone: the compiler then leaves out the
// stages that only check the modules ([checkStages]), which the built-in
// pack passes at every build (TestBuiltinChecked).
func newCompiler(builtinOnly bool) *ast.Compiler {
	c := ast.NewCompiler().WithCapabilities(Capabilities())
	if builtinOnly {
		c = c.WithSkipStages(checkStages...)
	}
	return c
}

// checkStages are OPA's compile stages that report errors and change
// nothing the rules evaluate to, about a seventh of the built-in pack's
// compile time: the type checker (whose types only matter to a `with` that
// replaces a function, which the built-in pack has none of, and to queries
// that call a function, which ipvslint prepares none of), and the checks of
// imports, keywords, conflicts, undefined and void calls, recursion and
// builtins.
var checkStages = []ast.StageID{
	ast.StageCheckUnusedImports,
	ast.StageCheckKeywordOverrides,
	ast.StageCheckDuplicateImports,
	ast.StageCheckVoidCalls,
	ast.StageCheckRuleConflicts,
	ast.StageCheckUndefinedFuncs,
	ast.StageCheckRecursion,
	ast.StageCheckTypes,
	ast.StageCheckUnsafeBuiltins,
	ast.StageCheckDeprecatedBuiltins,
	ast.StageBuildRequiredCapabilities,
}

// withModule is compiled with the packs to spare OPA's type checker work
// that grows with the square of the pack: for each rule whose type holds an
// empty collection it asks which rules a `with` modifier replaces, and it
// keeps the answer only when some `with` does replace a rule, so that
// without one it walks every module again for each such rule (a sixth of
// the built-in pack's compile time). The one `with` here makes it walk them
// once. The package is outside ipvslint.rules: it holds no rule.
const withModule = `package ipvslint.engine.compile

one := 1

two if 2 == one with data.ipvslint.engine.compile.one as 2
`

// withFile is withModule's file name, which no pack's file can have.
const withFile = "(engine)/compile.rego"

// Reads returns the paths of the input document that the loaded rules
// read, themselves or through the helpers they call: the parts the input
// builder must compute, and the only parts [Engine.Evaluate] converts to
// Rego values. A path read as a whole stands for everything below it.
func (e *Engine) Reads() *docpath.Set { return e.reads }

// ruleModules returns the compiled modules of the rule packages (below
// [RulesPackage]), not those of helpers they may not call.
func ruleModules(c *ast.Compiler) []*ast.Module {
	var out []*ast.Module
	for _, file := range slices.Sorted(maps.Keys(c.Modules)) {
		if _, isRule, err := rulePackageName(c.Modules[file].Package); isRule && err == nil {
			out = append(out, c.Modules[file])
		}
	}
	return out
}

// Rules returns the metadata of every loaded rule, sorted by ID.
func (e *Engine) Rules() []Rule {
	return slices.Clone(e.rules)
}

// loadModules parses every rule file of the packs as Rego v1, keyed by its
// file name (pack name and path), and the tests (*_test.rego) too when
// tests is true. packOf maps each file name to its pack's name.
func loadModules(packs []Pack, tests bool) (modules map[string]*ast.Module, packOf map[string]string, err error) {
	modules, packOf = map[string]*ast.Module{}, map[string]string{}
	popts := ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true}
	for _, p := range packs {
		err := fs.WalkDir(p.FS, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(name, ".rego") || !tests && strings.HasSuffix(name, "_test.rego") {
				return nil
			}
			src, err := fs.ReadFile(p.FS, name)
			if err != nil {
				return err
			}
			file := path.Join(p.Name, name)
			if _, dup := modules[file]; dup {
				return fmt.Errorf("%s: loaded twice", file)
			}
			m, err := ast.ParseModuleWithOpts(file, string(src), popts)
			if err != nil {
				return compileError(err)
			}
			modules[file] = m
			packOf[file] = p.Name
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("rule pack %s: %w", p.Name, err)
		}
	}
	return modules, packOf, nil
}

// Capabilities returns the capabilities rules are compiled with: those of
// this OPA version without the builtins whose results vary between runs or
// depend on the world outside the process (those OPA marks
// nondeterministic: http.send, net.lookup_ip_addr, time.now_ns, rand.intn,
// uuid.rfc4122, opa.runtime, io.jwt.encode_sign...), nor those that read
// the clock unasked (the certificate checks of crypto.x509). The pure
// net.cidr_* builtins stay.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(caps.Builtins, forbidden)
	return caps
}

// readsClock are the builtins OPA does not mark nondeterministic that
// still read the clock: they check certificates against the current time.
var readsClock = []string{
	ast.CryptoX509ParseAndVerifyCertificates.Name,
	ast.CryptoX509ParseAndVerifyCertificatesWithOptions.Name,
}

func forbidden(b *ast.Builtin) bool {
	return b.Nondeterministic || slices.Contains(readsClock, b.Name)
}

var undefinedFunction = regexp.MustCompile(`^undefined function (\S+)$`)

// compileError turns OPA's errors into one error, a line each: the file
// and line, then the message. A call of a builtin left out of
// [Capabilities] says so.
func compileError(err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return err
	}
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		msg := e.Message
		if m := undefinedFunction.FindStringSubmatch(msg); m != nil {
			if b, ok := ast.BuiltinMap[m[1]]; ok && forbidden(b) {
				msg = fmt.Sprintf("builtin %s is not allowed in rules: results must not depend on the network, the environment, the clock or chance", m[1])
			}
		}
		if e.Location != nil {
			msg = fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, msg)
		}
		lines = append(lines, msg)
	}
	return errors.New(strings.Join(lines, "\n"))
}

// NodeSplitter is an input document the engine evaluates one node at a
// time ([input.Document] is one), so that only a few nodes' facts are held
// as Rego values at once. SplitNodes returns the document with an empty
// `nodes` object and its nodes by name.
type NodeSplitter interface {
	SplitNodes() (rest any, nodes map[string]any)
}

// Sizer is a node of a [NodeSplitter] that tells how large its facts are,
// in any unit: Evaluate starts with the largest nodes, so that it does not
// end with one core evaluating a busy node alone.
type Sizer interface {
	Size() int
}

// Evaluate runs every rule over input, the document of one analysis (an
// *input.Document, anything that marshals to the same JSON, or an
// ast.Value), and returns the findings sorted by severity, rule, node,
// Service and target, without exact duplicates. A [NodeSplitter] is
// evaluated once per node, with `nodes` holding that node alone (once with
// no node when it has none), and the findings of all nodes merged: rules
// must give the same findings whichever way the nodes are split
// (docs/rules.md). Each node is converted to a Rego value (the largest
// first, for nodes that are [Sizer]s) and its rule packages then run on
// all cores, each package a query of its own. It gives up after the
// engine's timeout, which bounds all the evaluations together. A finding
// that does not follow docs/rules.md is an error naming its rule; of
// several errors, that of the first node by name, and in it of the first
// rule package by name. Evaluate holds no node of a NodeSplitter
// once it is converted: a caller that keeps no reference to input lets
// each node's facts be freed then, before the evaluation ends.
func (e *Engine) Evaluate(ctx context.Context, input any) ([]Finding, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	ps, err := parts(input, e.reads)
	if err != nil {
		return nil, err
	}
	// Each part is converted, and then its rule packages are evaluated
	// first, on the cores free then: a busy node's rules do not run on one
	// core while the others are idle, and its value can be freed soon.
	n := max(len(e.packages), 1)         // a part's results; the first holds its conversion's error
	results := make([]result, len(ps)*n) // part i, package j at i*n+j
	var s schedule
	for _, i := range largestFirst(ps) {
		s.add(func() {
			if ctx.Err() != nil {
				results[i*n].err = e.stopped(ctx)
				return
			}
			value, err := ps[i].value()
			if err != nil {
				results[i*n].err = err
				return
			}
			tasks := make([]func(), len(e.packages))
			for j, pq := range e.packages {
				tasks[j] = func() { results[i*n+j] = e.eval(ctx, pq, value) }
			}
			s.first(tasks...)
		})
	}
	s.run(runtime.GOMAXPROCS(0))
	found := make([][]Finding, len(results))
	for i, r := range results {
		if r.err != nil {
			return nil, r.err // that of the first node by name, and in it of the first package by name
		}
		found[i] = r.findings
	}
	return SortFindings(slices.Concat(found...)), nil
}

// result is what eval gives for one rule package over one part.
type result struct {
	findings []Finding
	err      error
}

// part is a Rego value Evaluate evaluates, built when value is called,
// and its size as the node's [Sizer] tells it (0 when unknown).
type part struct {
	value func() (ast.Value, error)
	size  int
}

// parts returns the Rego values Evaluate evaluates input as: input itself,
// or for a [NodeSplitter] one document per node, sorted by name, each
// sharing the values of the rest of the document (converted once, here).
// Only what reads holds is converted. A node's value is built only when
// its part's value is called, so that it can be dropped after its
// evaluation, and the part then lets go of the node's facts.
func parts(input any, reads *docpath.Set) ([]part, error) {
	whole := func(v ast.Value) []part {
		return []part{{value: func() (ast.Value, error) { return v, nil }}}
	}
	s, ok := input.(NodeSplitter)
	if !ok {
		v, err := toValue(input, reads)
		if err != nil {
			return nil, fmt.Errorf("convert the input document: %w", err)
		}
		return whole(v), nil
	}
	rest, nodes := s.SplitNodes()
	shared, err := toValue(rest, reads)
	if err != nil {
		return nil, fmt.Errorf("convert the input document: %w", err)
	}
	obj, isObj := shared.(ast.Object)
	if !isObj || len(nodes) == 0 {
		return whole(shared), nil
	}
	var out []part
	for _, name := range slices.Sorted(maps.Keys(nodes)) {
		facts := nodes[name]
		p := part{value: func() (ast.Value, error) {
			node, err := toValue(facts, reads.Child("nodes").Child(name))
			facts = nil // converted: the engine holds the node's facts no longer
			if err != nil {
				return nil, fmt.Errorf("convert the input document: %w", err)
			}
			one := ast.NewObject([2]*ast.Term{ast.StringTerm(name), ast.NewTerm(node)})
			doc := ast.NewObject()
			obj.Foreach(func(k, v *ast.Term) {
				if k.Equal(nodesKey) {
					v = ast.NewTerm(one)
				}
				doc.Insert(k, v)
			})
			return doc, nil
		}}
		if sz, ok := facts.(Sizer); ok {
			p.size = sz.Size()
		}
		out = append(out, p)
	}
	return out, nil
}

// largestFirst returns the indexes of ps, the largest part first, parts of
// one size in their order.
func largestFirst(ps []part) []int {
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(ps[j].size, ps[i].size) })
	return order
}

var nodesKey = ast.StringTerm("nodes")

// eval runs one rule package over one input value and returns its
// findings.
func (e *Engine) eval(ctx context.Context, pq packageQuery, value ast.Value) result {
	rs, err := pq.query.Eval(ctx, rego.EvalParsedInput(value))
	if err != nil {
		if topdown.IsCancel(err) {
			return result{err: e.stopped(ctx)}
		}
		return result{err: fmt.Errorf("evaluate the rules: %w", err)}
	}
	var out []Finding
	for _, r := range rs {
		set, _ := r.Expressions[0].Value.([]any)
		for _, v := range set {
			f, err := newFinding(pq.rule, v)
			if err != nil {
				return result{err: fmt.Errorf("rule %s (%s): %w", pq.rule.ID, pq.rule.File, err)}
			}
			out = append(out, f)
		}
	}
	return result{findings: out}
}

// stopped is the error of an evaluation that ctx stopped: the engine's
// timeout, or the caller's cancellation.
func (e *Engine) stopped(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the rules did not finish within %s", e.timeout)
	}
	return fmt.Errorf("evaluate the rules: %w", ctx.Err())
}
