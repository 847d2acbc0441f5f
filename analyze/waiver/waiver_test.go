package waiver

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/source"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Waiver
		wantErr string
	}{
		{name: "empty file", in: ""},
		{name: "comments only", in: "# nothing waived yet\n"},
		{name: "null list", in: "waivers:\n"},
		{name: "empty list", in: "waivers: []\n"},
		{
			name: "all keys",
			in: `# waivers of ticket 1234
waivers:
  - rule: source-ip-lost          # the rule ID
    node: cn-hangzhou.10.0.0.12
    service: default/web
    target: 203.0.113.10:80/TCP
    reason: "client IP not needed by this app"
    expires: 2027-03-31
`,
			want: []Waiver{{
				Rule: "source-ip-lost", Node: "cn-hangzhou.10.0.0.12", Service: "default/web", Target: "203.0.113.10:80/TCP",
				Reason: "client IP not needed by this app", Expires: date("2027-03-31"),
				Pos: source.Pos{File: "w.yaml", Line: 3}, Text: "- rule: source-ip-lost          # the rule ID",
			}},
		},
		{
			name: "several, quoted date, glob, flow style, CRLF, anchor",
			in: "waivers:\r\n" +
				"- node: 'cn-*'\r\n" +
				"  reason: &r nodes under maintenance\r\n" +
				"  expires: \"2026-01-01\"\r\n" +
				"- {service: kube-system/*, reason: *r}\r\n",
			want: []Waiver{
				{Node: "cn-*", Reason: "nodes under maintenance", Expires: date("2026-01-01"), Pos: source.Pos{File: "w.yaml", Line: 2}, Text: "- node: 'cn-*'"},
				{Service: "kube-system/*", Reason: "nodes under maintenance", Pos: source.Pos{File: "w.yaml", Line: 5}, Text: "- {service: kube-system/*, reason: *r}"},
			},
		},
		{
			name: "null values are left out",
			in:   "waivers:\n  - rule: r\n    node: ~\n    expires:\n    reason: because\n",
			want: []Waiver{{Rule: "r", Reason: "because", Pos: source.Pos{File: "w.yaml", Line: 2}, Text: "- rule: r"}},
		},
		{name: "bad indentation", in: "waivers:\n  - rule: r\n   reason: x\n", wantErr: `w.yaml:2: invalid YAML: did not find expected '-' indicator`},
		{name: "no colon", in: "waivers:\n  - rule: r\n    reason\n", wantErr: `w.yaml:3: invalid YAML: could not find expected ':'`},
		{name: "unclosed bracket on line 1", in: "waivers: [\n", wantErr: `w.yaml:2: invalid YAML: did not find expected node content`},
		{name: "unclosed brace", in: "waivers:\n  - {rule: r\n", wantErr: `w.yaml:2: invalid YAML: did not find expected ',' or '}'`},
		{name: "tab", in: "waivers:\n\t- rule: r\n", wantErr: `w.yaml:2: invalid YAML: found character that cannot start any token`},
		{name: "two documents", in: "waivers: []\n---\nwaivers: []\n", wantErr: `w.yaml:2: a waiver file holds one YAML document`},
		{name: "not a mapping", in: "- rule: r\n", wantErr: `w.yaml:1: want a mapping with the key "waivers"`},
		{name: "unknown top key", in: "waivers: []\nwaiver: []\n", wantErr: `w.yaml:2: unknown key "waiver" (a waiver file has the key "waivers")`},
		{name: "duplicate top key", in: "waivers: []\nwaivers: []\n", wantErr: `w.yaml:2: duplicate key "waivers"`},
		{name: "list is a mapping", in: "waivers:\n  rule: r\n", wantErr: `w.yaml:2: "waivers" is not a list`},
		{name: "waiver is a string", in: "waivers:\n  - source-ip-lost\n", wantErr: `w.yaml:2: a waiver is a mapping of rule, node, service, target, reason, expires`},
		{
			name:    "unknown key",
			in:      "waivers:\n  - rule: r\n    reason: x\n    rules: [a]\n",
			wantErr: `w.yaml:4: unknown key "rules" (a waiver has rule, node, service, target, reason, expires)`,
		},
		{name: "duplicate key", in: "waivers:\n  - rule: r\n    reason: x\n    rule: s\n", wantErr: `w.yaml:4: duplicate key "rule"`},
		{name: "list value", in: "waivers:\n  - rule:\n      - a\n    reason: x\n", wantErr: `w.yaml:3: "rule" is not a string`},
		{name: "no selector", in: "waivers:\n  - rule: r\n    reason: x\n  - reason: everything\n    expires: 2027-01-01\n", wantErr: `w.yaml:4: a waiver needs at least one of rule, node, service, target`},
		{name: "empty selectors", in: "waivers:\n  - rule: ''\n    node: ~\n    reason: x\n", wantErr: `w.yaml:2: a waiver needs at least one of rule, node, service, target`},
		{name: "no reason", in: "waivers:\n  - rule: r\n", wantErr: `w.yaml:2: a waiver needs a reason`},
		{name: "blank reason", in: "waivers:\n  - rule: r\n    reason: '  '\n", wantErr: `w.yaml:2: a waiver needs a reason`},
		{name: "bad date", in: "waivers:\n  - rule: r\n    reason: x\n    expires: 2027-3-31\n", wantErr: `w.yaml:4: bad expiry date "2027-3-31": want YYYY-MM-DD`},
		{name: "no such day", in: "waivers:\n  - rule: r\n    reason: x\n    expires: 2027-02-29\n", wantErr: `w.yaml:4: bad expiry date "2027-02-29": want YYYY-MM-DD`},
		{name: "date and time", in: "waivers:\n  - rule: r\n    reason: x\n    expires: 2027-03-31T12:00:00Z\n", wantErr: `w.yaml:4: bad expiry date "2027-03-31T12:00:00Z": want YYYY-MM-DD`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), "w.yaml")
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				if _, ok := err.(*source.ParseError); !ok {
					t.Errorf("error is a %T, want *source.ParseError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := (&File{Path: "w.yaml", Waivers: tt.want}); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "anything", true},
		{"a", "a", true},
		{"a", "A", false},
		{"a", "ab", false},
		{"*", "", false},
		{"a", "", false},
		{"*", "anything", true},
		{"cn-*", "cn-hangzhou.10.0.0.12", true},
		{"cn-*", "node-cn-a", false},
		{"*.12", "cn-hangzhou.10.0.0.12", true},
		{"*.12", "cn-hangzhou.10.0.0.120", false},
		{"203.0.113.10*", "203.0.113.10", true},
		{"203.0.113.10*", "203.0.113.10:443/TCP", true},
		{"203.0.113.10:*/TCP", "203.0.113.10:80/TCP", true},
		{"203.0.113.10:*/TCP", "203.0.113.10:53/UDP", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "acb", false},
		{"ab*ba", "aba", false}, // prefix and suffix must not overlap
		{"a**b", "ab", true},
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// findings are those of bundles/shared-lb-unserved-port, cut to what
// matching reads, and a cluster-wide one.
var findings = []engine.Finding{
	{Rule: "lb-ip-unserved-port", Severity: engine.SeverityError, Node: "cn-hangzhou.10.0.0.11", Service: "default/web", Target: "203.0.113.10:443/TCP"},
	{Rule: "lb-ip-unserved-port", Severity: engine.SeverityError, Node: "cn-hangzhou.10.0.0.12", Service: "default/web", Target: "203.0.113.10:443/TCP"},
	{Rule: "lb-ip-bound-in-cluster", Severity: engine.SeverityInfo, Node: "cn-hangzhou.10.0.0.11", Service: "default/web", Target: "203.0.113.10"},
	{Rule: "source-ip-lost", Severity: engine.SeverityInfo, Node: "cn-hangzhou.10.0.0.11", Service: "default/web", Target: "10.0.0.11:31245/TCP"},
	{Rule: "source-ip-lost", Severity: engine.SeverityInfo, Node: "cn-hangzhou.10.0.0.12", Service: "kube-system/dns", Target: "10.0.0.12:31245/TCP"},
	{Rule: "kube-proxy-config", Severity: engine.SeverityWarning},
}

func TestApplySelectors(t *testing.T) {
	tests := []struct {
		name   string
		waiver Waiver
		want   []int // indexes of the findings waived
	}{
		{"rule", Waiver{Rule: "lb-ip-unserved-port"}, []int{0, 1}},
		{"node", Waiver{Node: "cn-hangzhou.10.0.0.12"}, []int{1, 4}},
		{"service", Waiver{Service: "kube-system/dns"}, []int{4}},
		{"target", Waiver{Target: "203.0.113.10"}, []int{2}},
		{"rule and node", Waiver{Rule: "source-ip-lost", Node: "cn-hangzhou.10.0.0.11"}, []int{3}},
		{"rule, service and target", Waiver{Rule: "lb-ip-unserved-port", Service: "default/web", Target: "203.0.113.10:443/TCP"}, []int{0, 1}},
		{"all four", Waiver{Rule: "lb-ip-unserved-port", Node: "cn-hangzhou.10.0.0.11", Service: "default/web", Target: "203.0.113.10:443/TCP"}, []int{0}},
		{"no match", Waiver{Rule: "lb-ip-unserved-port", Service: "kube-system/dns"}, nil},
		{"unknown rule", Waiver{Rule: "no-such-rule"}, nil},
		{"glob target", Waiver{Target: "203.0.113.10*"}, []int{0, 1, 2}},
		{"glob node", Waiver{Rule: "source-ip-lost", Node: "cn-hangzhou.*"}, []int{3, 4}},
		{"glob service", Waiver{Service: "kube-system/*"}, []int{4}},
		{"glob rule", Waiver{Rule: "lb-ip-*", Node: "*.12"}, []int{1}},
		{"star node is not the cluster", Waiver{Node: "*"}, []int{0, 1, 2, 3, 4}},
		{"cluster-wide by rule", Waiver{Rule: "kube-proxy-config"}, []int{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.waiver.Reason = "because"
			f := &File{Path: "w.yaml", Waivers: []Waiver{tt.waiver}}
			kept, waived, expired := f.Apply(findings, date("2026-01-01"))
			var want []report.Waived
			var wantKept []engine.Finding
			for i, fd := range findings {
				if slices.Contains(tt.want, i) {
					want = append(want, report.Waived{Finding: fd, WaiverReason: "because"})
				} else {
					wantKept = append(wantKept, fd)
				}
			}
			if !reflect.DeepEqual(waived, want) {
				t.Errorf("waived %+v\nwant %+v", waived, want)
			}
			if !reflect.DeepEqual(kept, wantKept) {
				t.Errorf("kept %+v\nwant %+v", kept, wantKept)
			}
			if expired != nil {
				t.Errorf("expired %+v, want none", expired)
			}
		})
	}
}

func TestApplyFirstWaiverWins(t *testing.T) {
	f := &File{Path: "w.yaml", Waivers: []Waiver{
		{Rule: "lb-ip-unserved-port", Node: "cn-hangzhou.10.0.0.11", Reason: "first", Expires: date("2026-06-30")},
		{Rule: "lb-ip-unserved-port", Reason: "second"},
	}}
	_, waived, _ := f.Apply(findings[:2], date("2026-01-01"))
	want := []report.Waived{
		{Finding: findings[0], WaiverReason: "first", WaiverExpires: "2026-06-30"},
		{Finding: findings[1], WaiverReason: "second"},
	}
	if !reflect.DeepEqual(waived, want) {
		t.Errorf("waived %+v\nwant %+v", waived, want)
	}
}

func TestApplyExpiry(t *testing.T) {
	w := Waiver{
		Rule: "lb-ip-unserved-port", Service: "default/web", Reason: "port 443 is served elsewhere", Expires: date("2027-03-31"),
		Pos: source.Pos{File: "waivers.yaml", Line: 7}, Text: "- rule: lb-ip-unserved-port",
	}
	expiredFinding := engine.Finding{
		Rule: "waiver-expired", Severity: engine.SeverityWarning, Title: "waiver expired",
		Message: "The waiver at waivers.yaml:7 (rule lb-ip-unserved-port, service default/web) expired on 2027-03-31, " +
			"so it no longer suppresses the findings it matches. Its reason was: port 443 is served elsewhere",
		Service:     "default/web",
		Evidence:    []engine.Evidence{{File: "waivers.yaml", Line: 7, Text: "- rule: lb-ip-unserved-port"}},
		Remediation: "Renew the waiver with a new expiry date, or remove it and fix the finding.",
		References:  []string{},
	}
	east := time.FixedZone("UTC+8", 8*3600)
	tests := []struct {
		name    string
		today   time.Time
		expired bool
	}{
		{"a month before", date("2027-02-28"), false},
		{"the day before", date("2027-03-30"), false},
		{"the expiry day", date("2027-03-31"), false},
		{"the expiry day's last second", time.Date(2027, 3, 31, 23, 59, 59, 0, time.UTC), false},
		{"the day after", date("2027-04-01"), true},
		{"a year after", date("2028-03-31"), true},
		{"the expiry day in UTC, the day after east of it", time.Date(2027, 4, 1, 7, 0, 0, 0, east), false},
		{"the day after in UTC", time.Date(2027, 4, 1, 8, 0, 0, 0, east), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &File{Path: "waivers.yaml", Waivers: []Waiver{w}}
			kept, waived, expired := f.Apply(findings[:3], tt.today)
			if !tt.expired {
				if len(waived) != 2 || len(kept) != 1 || expired != nil {
					t.Errorf("kept %d, waived %d, expired %v; want 1, 2 and none", len(kept), len(waived), expired)
				}
				return
			}
			if waived != nil || !reflect.DeepEqual(kept, findings[:3]) {
				t.Errorf("kept %d, waived %d; want the findings kept", len(kept), len(waived))
			}
			if want := []engine.Finding{expiredFinding}; !reflect.DeepEqual(expired, want) {
				t.Errorf("expired %+v\nwant %+v", expired, want)
			}
		})
	}
}

// TestApplyExpiredMatchingNothing: an expired waiver is reported even when
// the bundle has nothing it would have matched, and a live waiver after it
// still applies.
func TestApplyExpiredMatchingNothing(t *testing.T) {
	f := &File{Path: "w.yaml", Waivers: []Waiver{
		{Node: "gone", Reason: "old node", Expires: date("2020-01-01"), Pos: source.Pos{File: "w.yaml", Line: 2}},
		{Rule: "kube-proxy-config", Reason: "known", Pos: source.Pos{File: "w.yaml", Line: 5}},
	}}
	kept, waived, expired := f.Apply(findings, date("2026-01-01"))
	if len(kept) != len(findings)-1 || len(waived) != 1 || len(expired) != 1 {
		t.Fatalf("kept %d, waived %d, expired %d; want %d, 1, 1", len(kept), len(waived), len(expired), len(findings)-1)
	}
	if e := expired[0]; e.Node != "gone" || e.Service != "" || e.Target != "" || !strings.Contains(e.Message, "(node gone) expired on 2020-01-01") {
		t.Errorf("expired finding %+v", e)
	}
}

func TestApplyNil(t *testing.T) {
	var f *File
	kept, waived, expired := f.Apply(findings, time.Time{})
	if !reflect.DeepEqual(kept, findings) || waived != nil || expired != nil {
		t.Errorf("a nil File changed the findings")
	}
}
