package diff

import (
	"slices"
	"testing"
)

func TestCompareVSKeys(t *testing.T) {
	in := []string{"FWM/12/IPv6", "UDP/10.96.0.10:53", "FWM/3", "TCP/10.96.0.10:53", "TCP/[fd00::a]:53", "TCP/10.96.0.9:9153", "FWM/12"}
	want := []string{"TCP/10.96.0.9:9153", "TCP/10.96.0.10:53", "UDP/10.96.0.10:53", "TCP/[fd00::a]:53", "FWM/3", "FWM/12", "FWM/12/IPv6"}
	got := slices.Clone(in)
	slices.SortFunc(got, compareVSKeys)
	if !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}
