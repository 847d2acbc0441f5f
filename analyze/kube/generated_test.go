package kube

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// genScalars are values of the generated YAML that the fast path reads;
// oddScalars are some that it leaves to the YAML library, or that are not
// YAML.
var (
	genScalars = []string{
		"10.96.0.1", "fd00::1", "10.244.0.0/16", "80", "-1", "0", "true", "False", "yes", "on", "~", "null", "NULL",
		"Cluster", "a b c", "it's", `"quoted \"x\" \u00e9"`, `'single ''q'''`, `""`, "''", "{}", "[]", "a#b", "x # comment",
		"6b3c9a4e-1f2d", "-0", "<<x", `"2024-03-01T08:00:00Z"`, "v1.28.2", "a:b", "-x", "?y",
	}
	oddScalars = []string{
		"007", "0x1F", "1.5", "1e3", ".inf", "-.Inf", ".nan", "2024-03-01", "2024-03-01T08:00:00Z", "+1", "1_000",
		"123456789012345678901234", "@at", "%p", "&a b", "*b", "!!str 5", "[a, b]", "{a: 1}", `"tab\tx\a"`, "a: b",
	}
)

// genScalar returns a random scalar, odd one time in ten.
func genScalar(r *rand.Rand) string {
	if r.IntN(10) == 0 {
		return oddScalars[r.IntN(len(oddScalars))]
	}
	return genScalars[r.IntN(len(genScalars))]
}

// genKeys are keys of the generated YAML.
var genKeys = []string{"name", "namespace", "labels", "annotations", "spec", "ports", "port", "kind", "apiVersion", "metadata",
	"managedFields", "x", "\"quoted key\"", "'single'", "a.b/c", "1", "true", "items", "clientVersion"}

// genNode writes a random YAML node at indentation ind, as the value of a
// key (inMap) or of a sequence entry.
func genNode(r *rand.Rand, b *strings.Builder, ind, depth int) {
	pad := strings.Repeat(" ", ind)
	switch n := r.IntN(10); {
	case depth > 3 || n < 4:
		b.WriteString(" " + genScalar(r) + "\n")
	case n < 5:
		chomp := []string{"", "-", "+"}[r.IntN(3)]
		b.WriteString(" |" + chomp + "\n")
		for range r.IntN(4) {
			if r.IntN(4) == 0 {
				b.WriteString("\n")
			}
			b.WriteString(pad + "  line " + genScalar(r) + "\n")
		}
	case n < 8:
		b.WriteString("\n")
		genMap(r, b, ind+2, depth+1)
	default:
		b.WriteString("\n")
		seqInd := ind + 2*r.IntN(2) // compact ("key:\n- a") or indented
		for range 1 + r.IntN(3) {
			b.WriteString(strings.Repeat(" ", seqInd) + "-")
			if r.IntN(2) == 0 {
				genNode(r, b, seqInd+2, depth+1)
			} else {
				b.WriteString(" ")
				genEntries(r, b, seqInd+2, depth+1, true)
			}
		}
	}
}

// genMap writes a block mapping at indentation ind.
func genMap(r *rand.Rand, b *strings.Builder, ind, depth int) {
	genEntries(r, b, ind, depth, false)
}

// genEntries writes the keys of a mapping at indentation ind; compact
// tells that the first key follows "- " on the current line.
func genEntries(r *rand.Rand, b *strings.Builder, ind, depth int, compact bool) {
	for k := range 1 + r.IntN(4) {
		if k > 0 || !compact {
			b.WriteString(strings.Repeat(" ", ind))
		}
		b.WriteString(genKeys[r.IntN(len(genKeys))] + ":")
		if r.IntN(8) == 0 {
			b.WriteString(" # c")
		}
		genNode(r, b, ind, depth)
		if r.IntN(10) == 0 {
			b.WriteString(strings.Repeat(" ", ind) + "# a comment\n")
		}
	}
}

// genList writes a List of n random objects in kubectl's form.
func genList(r *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nitems:\n")
	kinds := []string{"Service", "EndpointSlice", "Endpoints", "Node", "Pod", "ConfigMap", "Secret", "Deployment", ""}
	for range n {
		b.WriteString("- apiVersion: v1\n")
		if k := kinds[r.IntN(len(kinds))]; k != "" {
			b.WriteString("  kind: " + k + "\n")
		}
		fmt.Fprintf(&b, "  metadata:\n    name: o%d\n    namespace: ns\n", r.IntN(5))
		genEntries(r, &b, 2, 1, false)
	}
	b.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	return b.String()
}

// TestSplitGenerated reads generated Lists of odd block YAML item by item
// and whole, and compares, as FuzzSplit does with what the fuzzer makes.
func TestSplitGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	compared := 0
	for range 2000 {
		if compareReadings(t, []byte(genList(r, 1+r.IntN(5)))) {
			compared++
		}
	}
	if compared < 1000 {
		t.Errorf("only %d of 2000 generated Lists read without errors", compared)
	}
}

// TestSplitGeneratedJSON does the same with the generated Lists as JSON,
// indented as kubectl prints them and on one line, with the List's kind
// first (as the API server prints it) or last, and with a List large
// enough to be cut in several runs of items.
func TestSplitGeneratedJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	inputs := []string{string(serviceList(300))}
	for range 1500 {
		inputs = append(inputs, genList(r, 1+r.IntN(5)))
	}
	compared, large := 0, 0
	for i, y := range inputs {
		compact, err := yaml.YAMLToJSON([]byte(y))
		if err != nil {
			continue
		}
		var indented bytes.Buffer
		if err := json.Indent(&indented, compact, "", "    "); err != nil {
			t.Fatal(err)
		}
		kindFirst := bytes.Replace(bytes.Replace(compact, []byte(`,"kind":"List"`), nil, 1), []byte(`{"apiVersion":"v1","items":`), []byte(`{"kind":"List","apiVersion":"v1","items":`), 1)
		for _, in := range [][]byte{indented.Bytes(), compact, kindFirst} {
			if compareReadings(t, in) {
				compared++
				if i == 0 {
					large++
				}
			}
		}
	}
	if large != 3 {
		t.Errorf("the large List compared %d times, want 3", large)
	}
	if compared < 1200 {
		t.Errorf("only %d generated JSON Lists compared", compared)
	}
}
