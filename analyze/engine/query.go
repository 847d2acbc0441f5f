package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// ErrUndefined is returned by [Query.Eval] when the query has no value for
// the input: no rule of the packs defines it, or none applies.
var ErrUndefined = errors.New("undefined")

// Query is a query other than the rules' findings, prepared on the packs
// the [Engine] compiled (the same modules, capabilities and timeout): how
// a command asks a helper package of the packs for a value, such as the
// trace verdict of package ipvslint.trace. It is safe for concurrent use.
type Query struct {
	e     *Engine
	text  string
	query rego.PreparedEvalQuery
}

// Prepare prepares query, a Rego reference or expression such as
// "data.ipvslint.trace.result", on the engine's compiled packs. An error
// means the query does not compile against them.
func (e *Engine) Prepare(query string) (*Query, error) {
	q, err := rego.New(rego.Query(query), rego.Compiler(e.compiler)).PrepareForEval(context.Background())
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", query, err)
	}
	return &Query{e: e, text: query, query: q}, nil
}

// Eval evaluates the query over input (converted whole, as [Engine.Evaluate]
// converts what the rules read) and returns the value of its first result
// as encoding/json would decode it: map[string]any, []any, string,
// json.Number, bool or nil. It gives up after the engine's timeout.
func (q *Query) Eval(ctx context.Context, input any) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, q.e.timeout)
	defer cancel()
	value, err := toValue(input, docpath.All())
	if err != nil {
		return nil, fmt.Errorf("convert the input document: %w", err)
	}
	rs, err := q.query.Eval(ctx, rego.EvalParsedInput(value))
	if err != nil {
		if topdown.IsCancel(err) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s did not finish within %s", q.text, q.e.timeout)
		}
		return nil, fmt.Errorf("evaluate %s: %w", q.text, err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, fmt.Errorf("%s: %w", q.text, ErrUndefined)
	}
	return rs[0].Expressions[0].Value, nil
}

// EvaluateRule runs the one rule id over input and returns its findings,
// checked and sorted as [Engine.Evaluate] returns them: how a command
// evaluates a rule written for its own input document (a what-if input)
// rather than for the analysis of a bundle.
func (e *Engine) EvaluateRule(ctx context.Context, id string, input any) ([]Finding, error) {
	i := slices.IndexFunc(e.rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("no rule %s is loaded", id)
	}
	rule := &e.rules[i]
	q, err := e.Prepare("data." + rule.Package + ".findings")
	if err != nil {
		return nil, err
	}
	q.text = "rule " + id
	v, err := q.Eval(ctx, input)
	if errors.Is(err, ErrUndefined) {
		return []Finding{}, nil
	}
	if err != nil {
		return nil, err
	}
	set, _ := v.([]any)
	out := make([]Finding, 0, len(set))
	for _, x := range set {
		f, err := newFinding(rule, x)
		if err != nil {
			return nil, fmt.Errorf("rule %s (%s): %w", rule.ID, rule.File, err)
		}
		out = append(out, f)
	}
	return SortFindings(out), nil
}
