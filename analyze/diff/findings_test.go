package diff

import (
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

func TestCompareFindings(t *testing.T) {
	const (
		e = engine.SeverityError
		w = engine.SeverityWarning
		i = engine.SeverityInfo
	)
	vs := finding("vs-missing", e, "node-a", "default/web", "10.96.0.10:80/TCP")
	lb := finding("lb-ip-bound-in-cluster", i, "node-a", "default/web", "203.0.113.10")
	lbOther := finding("lb-ip-bound-in-cluster", i, "node-b", "default/web", "203.0.113.10")
	incomplete := finding("bundle-incomplete", i, "", "", "")
	ref := func(f engine.Finding) Finding { return findingOf(f) }
	tests := []struct {
		name     string
		old, new []engine.Finding
		want     FindingChanges
	}{
		{name: "none", want: FindingChanges{Appeared: []Finding{}, Resolved: []Finding{}, Persisted: []Persisted{}}},
		{
			name: "appeared, resolved, persisted, in the engine's order",
			old:  []engine.Finding{lbOther, lb, incomplete},
			new:  []engine.Finding{lb, vs},
			want: FindingChanges{
				Appeared:  []Finding{ref(vs)},
				Resolved:  []Finding{ref(incomplete), ref(lbOther)},
				Persisted: []Persisted{{Finding: ref(lb), OldSeverity: "info"}},
			},
		},
		{
			name: "the message is no part of the key; the new one is kept",
			old:  []engine.Finding{func() engine.Finding { f := vs; f.Message = "3 flows"; return f }()},
			new:  []engine.Finding{vs},
			want: FindingChanges{Appeared: []Finding{}, Resolved: []Finding{}, Persisted: []Persisted{{Finding: ref(vs), OldSeverity: "error"}}},
		},
		{
			name: "severity changed",
			old:  []engine.Finding{func() engine.Finding { f := vs; f.Severity = w; return f }()},
			new:  []engine.Finding{vs},
			want: FindingChanges{Appeared: []Finding{}, Resolved: []Finding{}, Persisted: []Persisted{{Finding: ref(vs), OldSeverity: "warning"}}},
		},
		{
			name: "findings sharing a key are matched in order",
			old:  []engine.Finding{incomplete},
			new: []engine.Finding{incomplete, func() engine.Finding {
				f := incomplete
				f.Message = "another capture"
				return f
			}()},
			want: FindingChanges{
				Appeared:  []Finding{func() Finding { f := ref(incomplete); f.Message = "another capture"; return f }()},
				Resolved:  []Finding{},
				Persisted: []Persisted{{Finding: ref(incomplete), OldSeverity: "info"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new := StateOf(nil, document(), tt.old), StateOf(nil, document(), tt.new)
			same(t, Compare(old, new).Findings, tt.want)
		})
	}
}

func TestRegressed(t *testing.T) {
	const (
		e = engine.SeverityError
		w = engine.SeverityWarning
		i = engine.SeverityInfo
	)
	vsAt := func(s engine.Severity) engine.Finding {
		return finding("vs-missing", s, "node-a", "default/web", "10.96.0.10:80/TCP")
	}
	tests := []struct {
		name     string
		old, new []engine.Finding
		min      engine.Severity
		want     bool
	}{
		{name: "nothing", min: i, want: false},
		{name: "an error appeared", new: []engine.Finding{vsAt(e)}, min: e, want: true},
		{name: "a warning appeared, at error", new: []engine.Finding{vsAt(w)}, min: e, want: false},
		{name: "a warning appeared, at warning", new: []engine.Finding{vsAt(w)}, min: w, want: true},
		{name: "an error persisted", old: []engine.Finding{vsAt(e)}, new: []engine.Finding{vsAt(e)}, min: e, want: false},
		{name: "a warning became an error", old: []engine.Finding{vsAt(w)}, new: []engine.Finding{vsAt(e)}, min: e, want: true},
		{name: "a warning became an error, at warning", old: []engine.Finding{vsAt(w)}, new: []engine.Finding{vsAt(e)}, min: w, want: false},
		{name: "an error became a warning", old: []engine.Finding{vsAt(e)}, new: []engine.Finding{vsAt(w)}, min: i, want: false},
		{name: "an error resolved", old: []engine.Finding{vsAt(e)}, min: i, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Compare(StateOf(nil, document(), tt.old), StateOf(nil, document(), tt.new))
			if got := d.Regressed(tt.min); got != tt.want {
				t.Errorf("Regressed(%s) = %v, want %v", tt.min, got, tt.want)
			}
		})
	}
}
