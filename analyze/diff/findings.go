package diff

import "github.com/ipvslint/ipvslint/analyze/engine"

// findingKey identifies a finding across the two sides: its rule, node,
// Service and target. Messages are not part of it, since they quote counts
// and versions that change with the bundle.
type findingKey struct{ rule, node, service, target string }

func keyOf(f engine.Finding) findingKey {
	return findingKey{f.Rule, f.Node, f.Service, f.Target}
}

// compareFindings matches the findings of both sides by key, both lists in
// the engine's order. When several findings share a key, they are matched
// in that order and the rest appeared or resolved.
func compareFindings(old, new []engine.Finding) FindingChanges {
	out := FindingChanges{Appeared: []Finding{}, Resolved: []Finding{}, Persisted: []Persisted{}}
	pending := make(map[findingKey][]int, len(old)) // indexes into old, in order
	for i, f := range old {
		k := keyOf(f)
		pending[k] = append(pending[k], i)
	}
	matched := make([]bool, len(old))
	for _, f := range new {
		k := keyOf(f)
		idx := pending[k]
		if len(idx) == 0 {
			out.Appeared = append(out.Appeared, findingOf(f))
			continue
		}
		pending[k] = idx[1:]
		matched[idx[0]] = true
		out.Persisted = append(out.Persisted, Persisted{Finding: findingOf(f), OldSeverity: string(old[idx[0]].Severity)})
	}
	for i, f := range old {
		if !matched[i] {
			out.Resolved = append(out.Resolved, findingOf(f))
		}
	}
	return out
}

func findingOf(f engine.Finding) Finding {
	return Finding{Rule: f.Rule, Severity: string(f.Severity), Title: f.Title, Node: f.Node, Service: f.Service, Target: f.Target, Message: f.Message}
}
