package gen

import (
	"bytes"
	"fmt"
)

// kernelRelease is the kernel of every node (Ubuntu 22.04); from 5.9 on
// kube-proxy leaves net.ipv4.vs.conn_reuse_mode alone (B13).
const kernelRelease = "5.15.0-124-generic"

// uname prints `uname -a` of node n.
func (c *cluster) uname(n *node) []byte {
	return fmt.Appendf(nil, "Linux %s %s #134-Ubuntu SMP Fri Sep 27 20:20:17 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n", n.name, kernelRelease)
}

// sysctl prints `sysctl net.ipv4.vs net.netfilter net.ipv4.ip_forward
// net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce` of node n as
// kube-proxy leaves a 5.15 kernel: vs.conntrack=1, expire_nodest_conn=1,
// expire_quiescent_template=1, ip_forward=1, nf_conntrack_max from its
// config and tcp_timeout_established 86400. sysctl lists each tree in name
// order.
func (c *cluster) sysctl(n *node, flows int) []byte {
	var b bytes.Buffer
	line := func(key string, value any) { fmt.Fprintf(&b, "%s = %v\n", key, value) }
	vs := []struct {
		key   string
		value any
	}{
		{"am_droprate", 10}, {"amemthresh", 1024}, {"backup_only", 0}, {"cache_bypass", 0}, {"conn_reuse_mode", 1},
		{"conntrack", 1}, {"drop_entry", 0}, {"drop_packet", 0}, {"expire_nodest_conn", 1}, {"expire_quiescent_template", 1},
		{"ignore_tunneled", 0}, {"nat_icmp_send", 0}, {"pmtu_disc", 1}, {"run_estimation", 1}, {"schedule_icmp", 0},
		{"secure_tcp", 0}, {"sloppy_sctp", 0}, {"sloppy_tcp", 0}, {"snat_reroute", 1}, {"sync_persist_mode", 0},
		{"sync_ports", 1}, {"sync_qlen_max", 1027040}, {"sync_refresh_period", 0}, {"sync_retries", 0},
		{"sync_sock_size", 0}, {"sync_threshold", "3\t50"}, {"sync_version", 1},
	}
	for _, e := range vs {
		line("net.ipv4.vs."+e.key, e.value)
	}
	ctMax := c.conntrackMax()
	nf := []struct {
		key   string
		value any
	}{
		{"nf_conntrack_acct", 0}, {"nf_conntrack_buckets", ctMax / 4}, {"nf_conntrack_checksum", 1}, {"nf_conntrack_count", flows},
		{"nf_conntrack_dccp_loose", 1}, {"nf_conntrack_dccp_timeout_closereq", 64}, {"nf_conntrack_dccp_timeout_closing", 64},
		{"nf_conntrack_dccp_timeout_open", 43200}, {"nf_conntrack_dccp_timeout_partopen", 480}, {"nf_conntrack_dccp_timeout_request", 240},
		{"nf_conntrack_dccp_timeout_respond", 480}, {"nf_conntrack_dccp_timeout_timewait", 240}, {"nf_conntrack_events", 1},
		{"nf_conntrack_expect_max", ctMax / 256}, {"nf_conntrack_frag6_high_thresh", 4194304}, {"nf_conntrack_frag6_low_thresh", 3145728},
		{"nf_conntrack_frag6_timeout", 60}, {"nf_conntrack_generic_timeout", 600}, {"nf_conntrack_gre_timeout", 30},
		{"nf_conntrack_gre_timeout_stream", 180}, {"nf_conntrack_icmp_timeout", 30}, {"nf_conntrack_icmpv6_timeout", 30},
		{"nf_conntrack_log_invalid", 0}, {"nf_conntrack_max", ctMax}, {"nf_conntrack_sctp_timeout_closed", 10},
		{"nf_conntrack_sctp_timeout_cookie_echoed", 3}, {"nf_conntrack_sctp_timeout_cookie_wait", 3},
		{"nf_conntrack_sctp_timeout_established", 432000}, {"nf_conntrack_sctp_timeout_heartbeat_acked", 210},
		{"nf_conntrack_sctp_timeout_heartbeat_sent", 30}, {"nf_conntrack_sctp_timeout_shutdown_ack_sent", 3},
		{"nf_conntrack_sctp_timeout_shutdown_recd", 0}, {"nf_conntrack_sctp_timeout_shutdown_sent", 0},
		{"nf_conntrack_tcp_be_liberal", 0}, {"nf_conntrack_tcp_ignore_invalid_rst", 0}, {"nf_conntrack_tcp_loose", 1},
		{"nf_conntrack_tcp_max_retrans", 3}, {"nf_conntrack_tcp_timeout_close", 10}, {"nf_conntrack_tcp_timeout_close_wait", 3600},
		{"nf_conntrack_tcp_timeout_established", 86400}, {"nf_conntrack_tcp_timeout_fin_wait", 120},
		{"nf_conntrack_tcp_timeout_last_ack", 30}, {"nf_conntrack_tcp_timeout_max_retrans", 300},
		{"nf_conntrack_tcp_timeout_syn_recv", 60}, {"nf_conntrack_tcp_timeout_syn_sent", 120},
		{"nf_conntrack_tcp_timeout_time_wait", 120}, {"nf_conntrack_tcp_timeout_unacknowledged", 300},
		{"nf_conntrack_timestamp", 0}, {"nf_conntrack_udp_timeout", 30}, {"nf_conntrack_udp_timeout_stream", 120},
		{"nf_flowtable_tcp_timeout", 30}, {"nf_flowtable_udp_timeout", 30}, {"nf_hooks_lwtunnel", 0},
		{"nf_log.0", "NONE"}, {"nf_log.1", "NONE"}, {"nf_log.10", "NONE"}, {"nf_log.2", "NONE"}, {"nf_log.3", "NONE"},
		{"nf_log.4", "NONE"}, {"nf_log.5", "NONE"}, {"nf_log.6", "NONE"}, {"nf_log.7", "NONE"}, {"nf_log.8", "NONE"},
		{"nf_log.9", "NONE"}, {"nf_log_all_netns", 0},
	}
	for _, e := range nf {
		line("net.netfilter."+e.key, e.value)
	}
	line("net.ipv4.ip_forward", 1)
	line("net.ipv4.conf.all.arp_ignore", 0)
	line("net.ipv4.conf.all.arp_announce", 0)
	return b.Bytes()
}
