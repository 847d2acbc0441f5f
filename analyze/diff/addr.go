package diff

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// compareVSKeys orders virtual service keys (TCP/10.96.0.1:443,
// FWM/124) by address and port, then protocol; firewall marks last, by
// mark.
func compareVSKeys(a, b string) int {
	pa, ra, _ := strings.Cut(a, "/")
	pb, rb, _ := strings.Cut(b, "/")
	if fa, fb := pa == "FWM", pb == "FWM"; fa != fb {
		if fa {
			return 1
		}
		return -1
	} else if fa {
		ma, _, _ := strings.Cut(ra, "/") // FWM/124/IPv6
		mb, _, _ := strings.Cut(rb, "/")
		na, _ := strconv.Atoi(ma)
		nb, _ := strconv.Atoi(mb)
		return cmp.Or(cmp.Compare(na, nb), cmp.Compare(a, b))
	}
	return cmp.Or(input.CompareHostPort(ra, rb), cmp.Compare(pa, pb))
}
