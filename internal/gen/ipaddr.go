package gen

import (
	"bytes"
	"fmt"
	"net/netip"
)

// The -d details of iproute2 6.1 (Debian 12), which prints a double space
// before allmulti. Link lines without qlen end in "group default ".
const (
	gsoDetails   = "numtxqueues %d numrxqueues %d gso_max_size 65536 gso_max_segs 65535 tso_max_size %d tso_max_segs 65535 gro_max_size 65536 "
	forever      = "       valid_lft forever preferred_lft forever\n"
	bridgeFormat = "    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 vlan_filtering 0 " +
		"bridge_id 8000.%[1]s designated_root 8000.%[1]s root_port 0 root_path_cost 0 topology_change 0 topology_change_detected 0 " +
		"hello_timer    0.00 tcn_timer    0.00 topology_change_timer    0.00 gc_timer %4d.%02d group_fwd_mask 0 group_address 01:80:c2:00:00:00 " +
		"mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 " +
		"mcast_hash_elasticity 16 mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 mcast_last_member_interval 100 " +
		"mcast_membership_interval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 mcast_query_response_interval 1000 " +
		"mcast_startup_query_interval 3124 mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 1 " +
		"nf_call_ip6tables 1 nf_call_arptables 0 " + gsoDetails + "\n"
)

// ipAddr prints `ip -d addr` of node n: lo, eth0, flannel.1, cni0 and
// kube-ipvs0 with every ClusterIP and LoadBalancer IP.
func (c *cluster) ipAddr(n *node) []byte {
	r := rng(c.cfg.Seed, "ip-addr/"+n.name)
	var b bytes.Buffer
	b.WriteString("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n")
	b.WriteString("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 ")
	fmt.Fprintf(&b, gsoDetails+"\n", 1, 1, 524280)
	b.WriteString("    inet 127.0.0.1/8 scope host lo\n" + forever + "    inet6 ::1/128 scope host \n" + forever)

	eth, flannel, cni, dummy := n.macs[0], n.macs[1], n.macs[2], n.macs[3]
	b.WriteString("2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n")
	fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 ", macString(eth))
	fmt.Fprintf(&b, gsoDetails+"parentbus virtio parentdev virtio0 \n", 2, 2, 65536)
	b.WriteString("    altname enp1s0\n")
	fmt.Fprintf(&b, "    inet %s/%d brd %s scope global eth0\n"+forever, n.ip, nodeNet.Bits(), lastAddr(nodeNet))
	fmt.Fprintf(&b, "    inet6 %s/64 scope link \n"+forever, linkLocal(eth))

	b.WriteString("3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default \n")
	fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n", macString(flannel))
	fmt.Fprintf(&b, "    vxlan id 1 local %s dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx "+gsoDetails+"\n",
		n.ip, 1, 1, 65536)
	fmt.Fprintf(&b, "    inet %s/32 scope global flannel.1\n"+forever, n.flannel)
	fmt.Fprintf(&b, "    inet6 %s/64 scope link \n"+forever, linkLocal(flannel))

	b.WriteString("4: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000\n")
	fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n", macString(cni))
	gc := r.IntN(30000)
	fmt.Fprintf(&b, bridgeFormat, bridgeID(cni), gc/100, gc%100, 1, 1, 65536)
	fmt.Fprintf(&b, "    inet %s/%d brd %s scope global cni0\n"+forever, n.cni, n.podCIDR.Bits(), lastAddr(n.podCIDR))
	fmt.Fprintf(&b, "    inet6 %s/64 scope link \n"+forever, linkLocal(cni))

	b.WriteString("5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default \n")
	fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 \n", macString(dummy))
	fmt.Fprintf(&b, "    dummy "+gsoDetails+"\n", 1, 1, 524280)
	for _, s := range c.services {
		for _, vip := range []netip.Addr{s.clusterIP, s.lbIP} {
			if vip.IsValid() {
				fmt.Fprintf(&b, "    inet %s/32 scope global kube-ipvs0\n"+forever, vip)
			}
		}
	}
	return b.Bytes()
}

func macString(m [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// bridgeID prints a MAC address as iproute2 prints bridge ids: bytes in
// hex without padding.
func bridgeID(m [6]byte) string {
	return fmt.Sprintf("%x:%x:%x:%x:%x:%x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// linkLocal returns the EUI-64 link-local address of a MAC address.
func linkLocal(m [6]byte) netip.Addr {
	return netip.AddrFrom16([16]byte{0: 0xfe, 1: 0x80, 8: m[0] ^ 2, 9: m[1], 10: m[2], 11: 0xff, 12: 0xfe, 13: m[3], 14: m[4], 15: m[5]})
}
