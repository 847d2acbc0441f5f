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
