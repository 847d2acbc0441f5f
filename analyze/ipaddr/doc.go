// Package ipaddr parses what iproute2's `ip addr` prints: the interfaces of a
// node and the addresses on them.
//
// One [Parse] reads every form and tells them apart by their first
// characters:
//
//   - text, `ip addr` and `ip -d addr` ([FormText]): a link line
//     ("5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN ..."),
//     a "link/<type>" line, with -d a kind line ("dummy numtxqueues 1 ..."),
//     an optional "<kind>_slave" line and "altname" lines, then one
//     "inet"/"inet6" line per address followed by its "valid_lft" line;
//   - one record per line, `ip -o addr` ([FormOneLine]): the same lines joined
//     with a backslash, each address line led by "<index>: <name>";
//   - JSON, `ip -j [-d] addr` ([FormJSON]): an array of link objects, each
//     with an "addr_info" array.
//
// Lines are split on white space, never by column: inet6 lines end in a space
// and -d lines hold runs of spaces. CRLF line ends are accepted.
//
// A capture that holds a failure instead of output (`Device "x" does not
// exist.`, an iproute2 "Error: ..." line, or a shell's "command not found") is
// not an error: the result's [Result.Failure] is set.
//
// Pastes hold fragments. Address lines that come without their link line
// (`ip a show kube-ipvs0 | grep -A1 10.96`, grep's "--" between groups, a
// paste that lost its indent) belong to the interface their IPv4 label
// names, else to that of the address line before them, else to the one the
// command names ([ParseDevice]); what nothing names is kept on an interface
// without a name, with a warning, unless the capture has link lines: then
// it starts inside an interface whose link line was not pasted, and those
// lines are skipped with a warning. Such a result is [Result.Partial]. A
// line that cannot be read (a placeholder such as "<lb-ip>" or "x.x.x.x"
// in place of an address, a line of another tool) is a warning, never an
// error, unless no line at all is `ip addr` output.
//
// Things the output cannot tell, and how the parser treats them:
//
//   - Addresses keep the host part: "192.168.10.11/24" is kept as printed, not
//     masked to 192.168.10.0/24. The same address with two prefix lengths is
//     two [Address] values.
//   - Only the first word of the -d kind line is read ([Interface.Kind]): the
//     options after it change from one iproute2 version to the next, and none
//     of them matter to the rules. The same holds for JSON "info_data".
//   - `ip -o addr` prints no link lines, so flags, state, MTU and kind are
//     unknown (zero) in [FormOneLine] results.
//   - JSON carries no line breaks, so every interface and address of a JSON
//     capture has the position of the line its interface object starts on.
//   - `ip -j addr show dev X up` prints "[{}]" when X is down. Empty objects
//     are skipped: the result has no interface.
package ipaddr
