// Package sysctl parses what `sysctl <names>` prints: one "key = value" line
// per kernel parameter ("net.ipv4.vs.conntrack = 1"; "key=value" with -N or
// from a sysctl.conf file is read too).
//
// A "sysctl: cannot stat /proc/sys/net/ipv4/vs: No such file or directory"
// line (the ip_vs module is not loaded) becomes a warning and its dotted name
// is listed in [Result.Missing]; other "sysctl: ..." lines (permission
// denied, reading a key) become warnings. A capture that holds a shell's
// "command not found" sets [Result.Failure].
//
// Values are kept as printed, with runs of tabs and spaces inside them
// ("32768	60999") left alone; [Result.Int] reads the integer ones.
package sysctl
