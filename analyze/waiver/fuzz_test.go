package waiver

import (
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that no input crashes Parse or Apply, and that every
// waiver Parse returns has a selector, a reason and its line.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"waivers: []\n",
		"waivers:\n  - rule: source-ip-lost\n    node: cn-*\n    service: default/web\n    target: 203.0.113.10:80/TCP\n    reason: x\n    expires: 2027-03-31\n",
		"waivers:\n- {service: kube-system/*, reason: &r y}\n- {node: n, reason: *r}\n",
		"waivers:\n  - rule: r\n   reason: x\n",
		"waivers:\n  - rule: [a]\n",
		"a: &a [*a]\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		file, err := Parse(strings.NewReader(in), "w.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "w.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		for _, w := range file.Waivers {
			if w.Rule+w.Node+w.Service+w.Target == "" || strings.TrimSpace(w.Reason) == "" || w.Pos.Line < 1 {
				t.Errorf("waiver %+v: no selector, no reason or no line", w)
			}
		}
		file.Apply(findings, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	})
}
