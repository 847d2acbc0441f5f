package kube

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// GitVersion is a Kubernetes build version as the API server, kubelet and
// kube-proxy report it (gitVersion, kubeletVersion, kubeProxyVersion):
// "v1.28.2", "v1.29.0-rc.1", or with a vendor's suffix, "v1.24.6-aliyun.1",
// "v1.27.4-eks-2d98532", "v1.25.3+k3s1". The zero GitVersion is v0.0.0,
// which no real build reports; GitVersion is comparable with ==.
type GitVersion struct {
	Major int `json:"major"`
	Minor int `json:"minor"`
	Patch int `json:"patch"`
	// Pre is what follows the first "-": a pre-release ("alpha.1",
	// "beta.0", "rc.2") or a vendor's build ("eks-2d98532", "aliyun.1",
	// "gke.1200"). Empty if none.
	Pre string `json:"pre,omitempty"`
	// Build is what follows the first "+": "k3s1", "rke2r1". Empty if none.
	Build string `json:"build,omitempty"`
}

// ParseGitVersion parses a build version: an optional "v", then
// major.minor.patch (a missing patch reads as 0), then an optional
// "-pre" and "+build". The numbers are decimal.
func ParseGitVersion(s string) (GitVersion, error) {
	var v GitVersion
	rest := strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	rest, v.Build, _ = strings.Cut(rest, "+")
	var hasPre bool
	rest, v.Pre, hasPre = strings.Cut(rest, "-")
	if hasPre && v.Pre == "" {
		return GitVersion{}, fmt.Errorf("invalid version %q: empty pre-release", s)
	}
	if strings.Contains(s, "+") && v.Build == "" {
		return GitVersion{}, fmt.Errorf("invalid version %q: empty build", s)
	}
	parts := strings.Split(rest, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return GitVersion{}, fmt.Errorf("invalid version %q: want major.minor.patch", s)
	}
	nums := [3]*int{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 31)
		if err != nil {
			return GitVersion{}, fmt.Errorf("invalid version %q: bad number %q", s, p)
		}
		*nums[i] = int(n)
	}
	return v, nil
}

// String formats v as "v1.24.6-aliyun.1+build".
func (v GitVersion) String() string {
	s := fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// preStages are the pre-release stages of Kubernetes releases, in order.
var preStages = []string{"alpha", "beta", "rc"}

// preRelease returns the stage (1 alpha, 2 beta, 3 rc) and number of a
// pre-release ("rc.2" → 3, 2), or 0, 0 when Pre is empty or a vendor's build.
func (v GitVersion) preRelease() (stage, n int) {
	for i, name := range preStages {
		rest, ok := strings.CutPrefix(v.Pre, name)
		if !ok || (rest != "" && rest[0] != '.' && (rest[0] < '0' || rest[0] > '9')) {
			continue
		}
		num, _, _ := strings.Cut(strings.TrimPrefix(rest, "."), ".")
		n, _ = strconv.Atoi(num)
		return i + 1, n
	}
	return 0, 0
}

// IsPreRelease reports whether v is an alpha, beta or release candidate.
func (v GitVersion) IsPreRelease() bool {
	stage, _ := v.preRelease()
	return stage > 0
}

// Compare returns -1, 0 or +1 as v is older than, the same release as, or
// newer than w. A pre-release (alpha < beta < rc) comes before its release;
// vendor suffixes and builds are ignored, so v1.24.6-aliyun.1 and v1.24.6
// are the same release.
func (v GitVersion) Compare(w GitVersion) int {
	if c := cmp.Compare(v.Major, w.Major); c != 0 {
		return c
	}
	if c := cmp.Compare(v.Minor, w.Minor); c != 0 {
		return c
	}
	if c := cmp.Compare(v.Patch, w.Patch); c != 0 {
		return c
	}
	vs, vn := v.preRelease()
	ws, wn := w.preRelease()
	switch {
	case vs == 0 && ws == 0:
		return 0
	case vs == 0:
		return +1
	case ws == 0:
		return -1
	}
	return cmp.Or(cmp.Compare(vs, ws), cmp.Compare(vn, wn))
}

// AtLeast reports whether v is release major.minor.patch or newer. A
// pre-release of that release is not: v1.24.0-rc.1 is not at least 1.24.0.
func (v GitVersion) AtLeast(major, minor, patch int) bool {
	return v.Compare(GitVersion{Major: major, Minor: minor, Patch: patch}) >= 0
}
