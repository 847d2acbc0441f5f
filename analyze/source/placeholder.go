package source

import "strings"

// Placeholder reports whether s is what a reporter writes in place of an
// address or a name they hid before pasting: "<clusterIp>", "{{ LB_IP }}",
// "${NODE_IP}", "x.x.x.x", "10.0.x.x", "***", "[REDACTED]", "...". Parsers
// use it, once a value failed to parse, to say why the line is skipped.
func Placeholder(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 2 && s != "…" {
		return false
	}
	switch {
	case s[0] == '<' && s[len(s)-1] == '>',
		strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}"),
		strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}"),
		strings.Trim(s, ".…") == "":
		return true
	}
	switch strings.ToLower(strings.Trim(s, "[]()")) {
	case "redacted", "hidden", "masked", "removed", "snip":
		return true
	}
	masked := false
	for _, c := range s {
		switch {
		case c == 'x' || c == 'X' || c == '*' || c == '#':
			masked = true
		case c >= '0' && c <= '9', c == '.', c == ':':
		default:
			return false
		}
	}
	return masked
}
