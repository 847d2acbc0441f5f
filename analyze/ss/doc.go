// Package ss parses what iproute2's `ss -Hlntu` prints: the sockets of a
// node that listen for TCP connections or wait for UDP datagrams.
//
// Each line has the columns Netid, State, Recv-Q, Send-Q, Local
// Address:Port, Peer Address:Port and, with -p, Process
// (`users:(("kube-proxy",pid=1234,fd=11))`). The header line printed without
// -H is skipped. When only one socket type was asked for (`ss -lnt`), ss
// leaves out the Netid column; it is then taken from the state (LISTEN is
// tcp, UNCONN is udp).
//
// Local addresses come as ss prints them: "0.0.0.0", "*" (any address of
// either family, or of IPv4 in old ss), "[::]" (IPv6 only), "[::ffff:a.b.c.d]"
// (an IPv4-mapped address), and "127.0.0.53%lo" or "[fe80::1]%eth0" for a
// socket bound to a device. [Result.Listener] answers whether a connection to
// an address and port would be taken by one of them.
//
// A capture that holds a shell's "command not found" sets [Result.Failure].
package ss
