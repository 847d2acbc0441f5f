// Package waiver reads waiver files and applies them to findings.
//
// A waiver file is YAML with a single key, waivers, holding a list of
// waivers:
//
//	waivers:
//	  - rule: source-ip-lost
//	    node: cn-hangzhou.10.0.0.*
//	    service: default/web
//	    target: 203.0.113.10:80/TCP
//	    reason: client IP not needed by this app
//	    expires: 2027-03-31
//
// A waiver selects findings by rule ID, node name, Service (namespace/name)
// and target (as the report prints it, e.g. 203.0.113.10:80/TCP), each
// optional but at least one given; a finding is waived when every selector
// the waiver gives matches it. In a selector, * matches any run of
// characters, the empty one included, and nothing else is special; so
// "203.0.113.10*" matches the target 203.0.113.10 and all its ports.
// Matching is exact otherwise, including case. A selector given never
// matches a finding that lacks the field: node "*" matches the findings of
// every node but not the cluster-wide ones; leaving node out matches both.
//
// Every waiver gives a reason. An expires date YYYY-MM-DD is optional: the
// waiver applies through that day in UTC and, from the day after, no longer
// suppresses anything and becomes a finding of its own ([ExpiredRule]).
// The package never reads the clock: the caller says what day it is.
//
// A waiver that matches no finding is not reported: findings come and go
// with the bundle analyzed, and one file of waivers serves many bundles.
//
// See docs/waivers.md for the user's guide.
package waiver
