// Package conntrack reads connection-tracking tables as the tools print them:
// `conntrack -L` (default and `-o extended`, with or without accounting,
// timestamps, ids, labels and zones), `conntrack -L -o xml`, `conntrack -E`
// events (with `-o timestamp`) and /proc/net/nf_conntrack.
//
// Production tables hold up to a million flows, so the package streams: a
// [Reader] pulls one [Flow] at a time and allocates nothing for a typical
// line, and [Summarize] folds a whole table into per-destination counts
// ([Dest]) whose size does not grow with the number of flows. The rules never
// see raw flows, only a [Summary].
//
// The stderr summary `conntrack vX (conntrack-tools): N flow entries have
// been shown.` is removed wherever it lands, even in the middle of a line (a
// capture taken with 2>&1), and the count it states is kept. A capture that
// holds the tool's failure text instead of a table sets Failure.
//
// A line that is not a flow, or a flow line that cannot be read (an address
// the reporter replaced by "<clusterIp>", "x.x.x.x" or "***"), is skipped
// with a warning; a capture is refused only when it holds no flow line and
// nothing else conntrack prints.
package conntrack
