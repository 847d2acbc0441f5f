package waiver_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/waiver"
)

func Example() {
	f, err := waiver.Parse(strings.NewReader(`waivers:
  - rule: source-ip-lost
    service: default/*
    reason: the web apps log X-Forwarded-For
  - rule: lb-ip-unserved-port
    reason: port 443 moves to another load balancer
    expires: 2027-03-31
`), "waivers.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	findings := []engine.Finding{
		{Rule: "source-ip-lost", Severity: engine.SeverityInfo, Node: "node-a", Service: "default/web", Target: "203.0.113.10:80/TCP"},
		{Rule: "lb-ip-unserved-port", Severity: engine.SeverityError, Node: "node-a", Service: "default/web", Target: "203.0.113.10:443/TCP"},
	}
	kept, waived, expired := f.Apply(findings, time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
	for _, w := range waived {
		fmt.Printf("waived %s: %s\n", w.Rule, w.WaiverReason)
	}
	for _, k := range kept {
		fmt.Printf("kept %s %s\n", k.Severity, k.Rule)
	}
	for _, e := range expired {
		fmt.Printf("%s %s: %s\n", e.Severity, e.Rule, e.Message)
	}
	// Output:
	// waived source-ip-lost: the web apps log X-Forwarded-For
	// kept error lb-ip-unserved-port
	// warning waiver-expired: The waiver at waivers.yaml:5 (rule lb-ip-unserved-port) expired on 2027-03-31, so it no longer suppresses the findings it matches. Its reason was: port 443 moves to another load balancer
}
