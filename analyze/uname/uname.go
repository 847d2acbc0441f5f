package uname

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// errNotUname is the cause of the error for input that is not uname output.
var errNotUname = errors.New("not uname output")

// Result is one parsed uname capture. Fields the capture does not show (all
// but Release for `uname -r`) are empty.
type Result struct {
	// KernelName is the kernel name: "Linux".
	KernelName string `json:"kernelName,omitempty"`
	// Hostname is the node's host name, which need not be its Kubernetes
	// node name.
	Hostname string `json:"hostname,omitempty"`
	// Release is the kernel release as printed: "5.4.0-150-generic".
	Release string `json:"release,omitempty"`
	// Version is the version at the start of Release; the zero Version when
	// Release does not start with one.
	Version Version `json:"version"`
	// Build is the kernel build string: "#167-Ubuntu SMP Tue Mar 7 ...".
	Build string `json:"build,omitempty"`
	// Machine is the hardware name: "x86_64", "aarch64", ...
	Machine string `json:"machine,omitempty"`
	// OS is the operating system: "GNU/Linux" (GNU) or "Linux" (busybox).
	OS string `json:"os,omitempty"`
	// Pos is the line of the uname output.
	Pos source.Pos `json:"pos"`
	// Failure is set when the capture holds a failure message instead of
	// output; the other fields are then empty.
	Failure *source.Failure `json:"failure,omitempty"`
	// Warnings are the lines understood only in part, or not at all.
	Warnings []source.Warning `json:"warnings,omitempty"`
}

// Version is a kernel version. The zero Version is not a valid version: no
// kernel is 0.0.0.
type Version struct {
	Major int `json:"major"`
	Minor int `json:"minor"`
	Patch int `json:"patch"`
}

// IsValid reports whether v was parsed from a release.
func (v Version) IsValid() bool { return v != Version{} }

// AtLeast reports whether v is major.minor or later. It is false for the
// zero Version; check [Version.IsValid] before concluding that a kernel is
// older.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// String formats v as "major.minor.patch".
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// ParseVersion reads the version at the start of a kernel release:
// "5.4.0-150-generic" is 5.4.0, "6.10-rc1" is 6.10.0. ok is false when the
// release does not start with "major.minor".
func ParseVersion(release string) (v Version, ok bool) {
	end := strings.IndexFunc(release, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if end < 0 {
		end = len(release)
	}
	parts := strings.Split(release[:end], ".")
	if len(parts) < 2 {
		return Version{}, false
	}
	nums := make([]int, 3)
	for i, p := range parts[:min(3, len(parts))] {
		n, err := strconv.Atoi(p)
		if err != nil {
			return Version{}, false
		}
		nums[i] = n
	}
	v = Version{nums[0], nums[1], nums[2]}
	return v, v.IsValid()
}

// machines are the hardware names uname prints for the machine, processor
// and hardware platform fields, which come before the operating system.
var machines = []string{
	"x86_64", "i386", "i486", "i586", "i686", "aarch64", "arm64", "armv6l", "armv7l", "armv8l",
	"ppc64", "ppc64le", "s390x", "riscv64", "mips", "mips64", "loongarch64", "unknown",
}

// Parse reads one uname capture. at names the capture and the line number of
// its first line. It returns an error only when no line is uname output or
// a shell's failure message, or reading fails; the other lines become
// warnings.
func Parse(r io.Reader, at source.Pos) (*Result, error) {
	if at.Line < 1 {
		at.Line = 1
	}
	sc := source.NewScanner(r, at.File, at.Line)
	res := &Result{}
	var first error // the first line that is not uname output
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		pos := sc.Pos()
		switch {
		case res.Pos.IsValid() || res.Failure != nil:
			res.Warnings = append(res.Warnings, source.Warnf(pos, line, "more than one line of uname output (ignored)"))
		case source.ShellFailure(line) && first == nil:
			res.Failure = &source.Failure{Pos: pos, Message: line}
		default:
			u, err := parseLine(line, pos)
			if err != nil {
				first = cmp.Or(first, err)
				res.Warnings = append(res.Warnings, source.Warnf(pos, line, "%v (skipped)", errors.Unwrap(err)))
				continue
			}
			u.Warnings = append(res.Warnings, u.Warnings...)
			*res = *u
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !res.Pos.IsValid() && res.Failure == nil && first != nil {
		return nil, first
	}
	res.Warnings = append(sc.Warnings(), res.Warnings...)
	return res, nil
}

// parseLine reads the uname line at pos.
func parseLine(line string, pos source.Pos) (*Result, error) {
	r := &Result{}
	fields := strings.Fields(line)
	switch {
	case len(fields) == 1: // uname -r
		r.Release = fields[0]
	case len(fields) >= 5: // uname -a: name, host, release, build..., machine, [processor, platform,] OS
		r.KernelName, r.Hostname, r.Release, r.OS = fields[0], fields[1], fields[2], fields[len(fields)-1]
		m := len(fields) - 1
		for m > 4 && slices.Contains(machines, fields[m-1]) {
			m--
		}
		if m == len(fields)-1 {
			// No known hardware name: take the field before the OS.
			m--
			r.Warnings = append(r.Warnings, source.Warnf(pos, line, "unknown machine %q", fields[m]))
		}
		r.Machine = fields[m]
		r.Build = strings.Join(fields[3:m], " ")
	default:
		return nil, source.Errorf(pos, line, "%w", errNotUname)
	}
	v, ok := ParseVersion(r.Release)
	if !ok {
		return nil, source.Errorf(pos, line, "%w: release %q is not a kernel version", errNotUname, r.Release)
	}
	r.Version, r.Pos = v, pos
	return r, nil
}
