// Package ipvs parses what ipvsadm (1.26 to 1.31) prints about the kernel's
// IP Virtual Server table, and the kernel's own /proc/net/ip_vs_conn.
//
// One [Parse] reads every variant and tells them apart by their header lines,
// or, for grep'd fragments without headers, by the shape of the lines:
//
//   - ipvsadm -Ln, with or without the "IP Virtual Server version" line, and
//     ipvsadm -Ln -t|-u|-f <service> (no version line): [FormatList];
//   - -Ln --stats and --rate, with or without --exact: [FormatStats],
//     [FormatRate];
//   - -Ln --thresholds, --persistent-conn, --tun-info: [FormatThresholds],
//     [FormatPersistentConn], [FormatTunInfo];
//   - ipvsadm -Sn (-A and -a lines): [FormatSave];
//   - ipvsadm -Lnc [--persistent-conn] and /proc/net/ip_vs_conn: [FormatConn];
//   - ipvsadm -L --timeout: [FormatTimeout];
//   - the kernel's /proc/net/ip_vs (ipvsadm's fallback, hex addresses,
//     ports, marks and masks): [FormatList].
//
// Lines are split on white space, never by column: IPv6 addresses overflow
// ipvsadm's columns, and dest rows end in trailing spaces. CRLF line ends are
// accepted.
//
// A capture that holds ipvsadm's failure text ("Can't initialize ipvs:
// Protocol not available", "Permission denied (you must be root)", modprobe
// messages, or a shell's "command not found") is not an error: the result's
// [Table.Failure] is set.
//
// Things the output cannot tell, and how the parser treats them:
//
//   - Without -n ipvsadm prints host and port names and silently cuts IPv4
//     service names at 33 characters and dest names at 28
//     ("TCP  kubernetes.default.svc.clust rr" has lost its port). Such lines
//     are not guessed at: each one becomes a warning, its service or dest is
//     left out (a service counts its left-out dests in
//     [Service.DestsLeftOut]), and [Table.Names] is set: the table is
//     incomplete.
//   - The --stats and --rate counters at or above 100 million are printed
//     divided by 1000, 1e6, 1e9 or 1e12 with a K, M, G or T suffix. They are
//     expanded back, so they are approximate (rounded down to that unit);
//     [Stats.Approximate] says so. With --exact they are exact.
//   - ipvsadm -Sn saves the Local and the Route forwarding methods both as -g;
//     [Dest.Forward] is "Route" for both.
//   - ipvsadm 1.26 prints SCTP services as UDP. That cannot be detected: such
//     a service is parsed as UDP.
//   - ipvsadm sorts services by comparing unsigned fields through an
//     overflowing int subtraction, so 172.16.x and 192.168.x services come
//     before 10.96.x. [Table.Services] keeps the printed order.
//   - A service with no destinations is just its service line;
//     [Service.Dests] is then empty.
//   - Pastes hide addresses behind placeholders ("TCP  <LB-IP>:443 rr",
//     "-> x.x.x.x:53"). Such a service or dest line is left out with a
//     warning, and so are the dest lines under a service left out: they are
//     never given to the service before it.
package ipvs
