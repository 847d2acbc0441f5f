package engine

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"
)

// queryPack is the engine of testdata/query beside testdata/basic.
func queryPack(t *testing.T, timeout time.Duration) *Engine {
	t.Helper()
	e, err := New(Options{NoBuiltin: true, Timeout: timeout, Packs: []Pack{
		{Name: "testdata/basic", FS: os.DirFS("testdata/basic")},
		{Name: "testdata/query", FS: os.DirFS("testdata/query")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestQueryEval(t *testing.T) {
	e := queryPack(t, 0)
	q, err := e.Prepare("data.ipvslint.answer.result")
	if err != nil {
		t.Fatal(err)
	}
	type in struct {
		N     int      `json:"n"`
		Words []string `json:"words"`
	}
	got, err := q.Eval(context.Background(), in{N: 21, Words: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"double": json.Number("42"), "words": []any{"a", "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Eval = %#v, want %#v", got, want)
	}
	if _, err := q.Eval(context.Background(), map[string]any{}); !errors.Is(err, ErrUndefined) {
		t.Errorf("Eval of an undefined result: error %v, want ErrUndefined", err)
	}
	// The rules are still evaluated as before.
	if fs, err := e.Evaluate(context.Background(), basicInput); err != nil || len(fs) != 5 {
		t.Errorf("Evaluate = %d findings, %v", len(fs), err)
	}
}

func TestQueryErrors(t *testing.T) {
	e := queryPack(t, 50*time.Millisecond)
	if _, err := e.Prepare("data.ipvslint.answer.result["); err == nil {
		t.Error("Prepare accepted a query that does not parse")
	}
	q, err := e.Prepare("data.ipvslint.answer.slow")
	if err != nil {
		t.Fatal(err)
	}
	_, err = q.Eval(context.Background(), map[string]any{})
	if err == nil || err.Error() != "data.ipvslint.answer.slow did not finish within 50ms" {
		t.Errorf("Eval error = %v", err)
	}
}

func TestEvaluateRule(t *testing.T) {
	e := queryPack(t, 0)
	got, err := e.EvaluateRule(context.Background(), "open-port", basicInput)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, f := range got {
		if f.Rule != "open-port" {
			t.Errorf("finding of rule %s", f.Rule)
		}
		targets = append(targets, string(f.Severity)+" "+f.Node+" "+f.Target)
	}
	want := []string{"error node-a 10.0.0.1:8080/TCP", "warning node-a 10.0.0.1:443/TCP", "warning node-a 10.0.0.1:80/TCP", "warning node-b 10.0.0.1:80/TCP"}
	if !reflect.DeepEqual(targets, want) {
		t.Errorf("EvaluateRule = %q, want %q", targets, want)
	}
	if got, err := e.EvaluateRule(context.Background(), "open-port", map[string]any{}); err != nil || len(got) != 0 {
		t.Errorf("EvaluateRule without ports = %v, %v; want no finding", got, err)
	}
	if _, err := e.EvaluateRule(context.Background(), "no-such-rule", basicInput); err == nil || err.Error() != "no rule no-such-rule is loaded" {
		t.Errorf("EvaluateRule of an unknown rule: %v", err)
	}
	m, err := testPack(t, "malformed", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.EvaluateRule(context.Background(), "no-message", map[string]any{})
	if want := `rule no-message (testdata/malformed/no-message.rego): finding {"evidence":[],"node":"a","service":"","target":""}: no "message"`; err == nil || err.Error() != want {
		t.Errorf("EvaluateRule error = %v\nwant %s", err, want)
	}
}
