package kube

import (
	"regexp"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// message is what kind of line kubectl writes to stderr beside its output.
type message int

const (
	notMessage     message = iota
	msgWarning             // "Warning: ..." from the API server, "WARNING: version difference..."
	msgFailure             // "error: ...", "Error from server (Forbidden): ...", "The connection to the server ... was refused"
	msgKlog                // a klog line: "E1125 10:15:00.123456   12345 memcache.go:265] ..."
	msgNoResources         // "No resources found in default namespace."
)

// klogLine matches the header of a klog line, which kubectl's client
// libraries print on stderr ("E1125 10:15:00.123456   12345 memcache.go:265] ").
var klogLine = regexp.MustCompile(`^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ [^ \]]+:\d+\] `)

// kubectlMessage classifies a line that kubectl (or the shell running it)
// prints on stderr. Only lines starting at column 0 are messages: YAML
// content at column 0 is a top-level key, and no Kubernetes object has these.
func kubectlMessage(line string) message {
	if line == "" {
		return notMessage
	}
	switch line[0] {
	case 'W':
		if strings.HasPrefix(line, "Warning: ") || strings.HasPrefix(line, "WARNING: ") {
			return msgWarning
		}
	case 'e', 'E':
		if strings.HasPrefix(line, "error: ") || strings.HasPrefix(line, "Error from server") || strings.HasPrefix(line, "Error: ") {
			return msgFailure
		}
	case 'T':
		if strings.HasPrefix(line, "The connection to the server ") {
			return msgFailure
		}
	case 'U':
		if strings.HasPrefix(line, "Unable to connect to the server") {
			return msgFailure
		}
	case 'N':
		if strings.HasPrefix(line, "No resources found") {
			return msgNoResources
		}
	case 'F':
		if strings.HasPrefix(line, "Flag --") { // "Flag --short has been deprecated, ..."
			return msgWarning
		}
	}
	if klogLine.MatchString(line) {
		return msgKlog
	}
	return notMessage
}

// messages collects the kubectl stderr lines found in a capture.
type messages struct {
	warnings []source.Warning
	failure  *source.Failure // the first kubectl failure line
	klogErr  *source.Failure // the first klog E or F line
}

// add records line, of kind m, at p.
func (ms *messages) add(m message, p source.Pos, line string) {
	switch m {
	case msgFailure:
		if ms.failure == nil {
			ms.failure = &source.Failure{Pos: p, Message: line}
		}
	case msgKlog:
		if (line[0] == 'E' || line[0] == 'F') && ms.klogErr == nil {
			ms.klogErr = &source.Failure{Pos: p, Message: line}
		}
		ms.warnings = append(ms.warnings, source.Warnf(p, line, "kubectl log line"))
	case msgWarning:
		ms.warnings = append(ms.warnings, source.Warnf(p, line, "kubectl warning"))
	}
}

// result returns the failure to report: a kubectl failure line, or when
// nothing else was read, a klog error line (kubectl logs those even when it
// succeeds, e.g. for an unavailable metrics API).
func (ms *messages) result(empty bool) *source.Failure {
	if ms.failure != nil {
		return ms.failure
	}
	if empty {
		return ms.klogErr
	}
	return nil
}
