package diff

import "github.com/ipvslint/ipvslint/analyze/engine"

// findingKey identifies a finding across the two sides: its rule, node,
// Service and target. Messages are not part of it, since they quote counts
// and versions that change with the bundle.
type findingKey struct{ rule, node, service, target string }

func keyOf(f Finding) findingKey {
	return findingKey{f.Rule, f.Node, f.Service, f.Target}
}

// compareFindings matches the findings of both sides by key, both lists in
// the engine's order. When several findings share a key, those with the
// same message are matched first, then the others in order; the rest
// appeared or were resolved. Groups sharing a key are small (one rule, node,
// Service and target), so matching stays linear in the number of findings.
func compareFindings(old, new []Finding) FindingChanges {
	out := FindingChanges{Appeared: []Finding{}, Resolved: []Finding{}, Persisted: []Persisted{}}
	pending := make(map[findingKey][]int, len(old)) // unmatched indexes into old, in order
	for i, f := range old {
		k := keyOf(f)
		pending[k] = append(pending[k], i)
	}
	match := make([]int, len(new)) // index into old, -1 when none
	take := func(j int, same func(Finding) bool) {
		k := keyOf(new[j])
		for n, i := range pending[k] {
			if same(old[i]) {
				match[j] = i
				pending[k] = append(pending[k][:n:n], pending[k][n+1:]...)
				return
			}
		}
	}
	for j := range new {
		match[j] = -1
		take(j, func(f Finding) bool { return f.Message == new[j].Message })
	}
	for j := range new {
		if match[j] < 0 {
			take(j, func(Finding) bool { return true })
		}
	}
	matched := make([]bool, len(old))
	for j, f := range new {
		if i := match[j]; i >= 0 {
			matched[i] = true
			out.Persisted = append(out.Persisted, Persisted{Finding: f, OldSeverity: old[i].Severity})
		} else {
			out.Appeared = append(out.Appeared, f)
		}
	}
	for i, f := range old {
		if !matched[i] {
			out.Resolved = append(out.Resolved, f)
		}
	}
	return out
}

// findingOf returns f without its evidence and advice.
func findingOf(f engine.Finding) Finding {
	return Finding{Rule: f.Rule, Severity: string(f.Severity), Title: f.Title, Node: f.Node, Service: f.Service, Target: f.Target, Message: f.Message}
}
