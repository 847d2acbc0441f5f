package collect

import (
	_ "embed"
	"strings"
)

// Script is collect.sh, byte for byte: the POSIX sh collector that writes a
// bundle of format v1 on a node. Run it with sh; `--help` documents it.
//
//go:embed collect.sh
var Script []byte

//go:embed collect-cluster.sh
var clusterSource string

// The lines of collect-cluster.sh between which [ClusterScript] puts
// [Script], and the here-document delimiter it wraps it in.
const (
	collectorBegin = "\t# collect.sh:begin\n"
	collectorEnd   = "\t# collect.sh:end\n"
	hereDelimiter  = "IPVSLINT_COLLECT_SH"
)

// ClusterScript returns collect-cluster.sh, the POSIX sh script that runs
// [Script] on every node of a cluster through `kubectl debug node/...` and
// writes one bundle of all of them, with [Script] inside it as a
// here-document, so that the one file is all a user needs. Run it with sh;
// `--help` documents it.
func ClusterScript() []byte {
	head, rest, _ := strings.Cut(clusterSource, collectorBegin)
	_, tail, _ := strings.Cut(rest, collectorEnd)
	return []byte(head + "\tcat <<'" + hereDelimiter + "'\n" + string(Script) + hereDelimiter + "\n" + tail)
}
