package docpath

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Any is the path element that stands for every key of an object or index
// of an array.
const Any = "_"

// Set is a set of document paths. A path names the keys from the root; a
// path names its whole subtree. The nil *Set, like the empty one [Parse]
// returns for no path, holds no path: nothing is read. [All] returns the
// set that holds the root, so everything is read.
type Set struct {
	all      bool
	children map[string]*Set
}

// All returns a Set that holds the root path: every part of the document.
func All() *Set { return &Set{all: true} }

// Parse returns the Set of paths written as Rego references below input:
// "input.nodes[_].conntrack.flows", `input.cluster.captures["kube-proxy"]`,
// "input" (everything). [_] is any key; a number in brackets is an array
// index, which stands for any index. The Set is never nil: without paths
// it is empty.
func Parse(paths []string) (*Set, error) {
	s := &Set{}
	for _, p := range paths {
		keys, err := split(p)
		if err != nil {
			return nil, err
		}
		s = s.add(keys)
	}
	return s, nil
}

// MustParse is Parse for paths known to be valid; it panics otherwise. It
// is meant for tests and constant paths.
func MustParse(paths ...string) *Set {
	s, err := Parse(paths)
	if err != nil {
		panic(err)
	}
	return s
}

// split returns the keys of a path below input.
func split(p string) ([]string, error) {
	rest, ok := strings.CutPrefix(p, "input")
	if !ok {
		return nil, fmt.Errorf("path %q does not start with input", p)
	}
	var keys []string
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			if end == 0 {
				return nil, fmt.Errorf("path %q: empty key", p)
			}
			keys, rest = append(keys, rest[1:1+end]), rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if strings.HasPrefix(rest, `["`) {
				q, err := strconv.QuotedPrefix(rest[1:])
				if err != nil {
					return nil, fmt.Errorf("path %q: %w", p, err)
				}
				end = 1 + len(q)
				if end >= len(rest) || rest[end] != ']' {
					return nil, fmt.Errorf("path %q: want ] after %s", p, q)
				}
				k, _ := strconv.Unquote(q)
				keys, rest = append(keys, k), rest[end+1:]
				continue
			}
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", p)
			}
			k := rest[1:end]
			if _, err := strconv.Atoi(k); err == nil {
				k = Any // an array index: arrays are read whole or not at all
			}
			keys, rest = append(keys, k), rest[end+1:]
		default:
			return nil, fmt.Errorf("path %q: unexpected %q", p, rest[:1])
		}
	}
	return keys, nil
}

// add returns s with the path of keys added.
func (s *Set) add(keys []string) *Set {
	if s == nil {
		s = &Set{}
	}
	if s.all {
		return s
	}
	if len(keys) == 0 {
		return &Set{all: true}
	}
	if s.children == nil {
		s.children = map[string]*Set{}
	}
	s.children[keys[0]] = s.children[keys[0]].add(keys[1:])
	return s
}

// Whole reports whether s holds the path it is reached by: its whole
// subtree is read.
func (s *Set) Whole() bool { return s != nil && s.all }

// Child returns the paths below key, those through [Any] included; nil
// when no path goes through key.
func (s *Set) Child(key string) *Set {
	switch {
	case s == nil:
		return nil
	case s.all:
		return s
	}
	named, any := s.children[key], s.children[Any]
	switch {
	case named == nil:
		return any
	case any == nil || key == Any:
		return named
	}
	return union(named, any)
}

// Union returns the paths of all the sets (nil ones hold none), never nil.
func Union(sets ...*Set) *Set {
	out := &Set{}
	for _, s := range sets {
		if s != nil {
			out = union(out, s)
		}
	}
	return out
}

// union returns the paths of a and b, neither nil.
func union(a, b *Set) *Set {
	if a.all || b.all {
		return All()
	}
	out := &Set{children: map[string]*Set{}}
	for k, c := range a.children {
		out.children[k] = c
	}
	for k, c := range b.children {
		if have := out.children[k]; have != nil {
			c = union(have, c)
		}
		out.children[k] = c
	}
	return out
}

// Has reports whether a path of s goes through the keys: whether any part
// of the subtree they name is read.
func (s *Set) Has(keys ...string) bool {
	for _, k := range keys {
		s = s.Child(k)
	}
	return s != nil && (s.all || len(s.children) > 0)
}

// Paths returns the paths of s, written as Parse reads them, sorted.
func (s *Set) Paths() []string {
	var out []string
	var walk func(s *Set, prefix string)
	walk = func(s *Set, prefix string) {
		if s.all {
			out = append(out, prefix)
			return
		}
		for k, c := range s.children {
			walk(c, prefix+elem(k))
		}
	}
	if s != nil {
		walk(s, "input")
	}
	slices.Sort(out)
	return out
}

// elem writes one key of a path.
func elem(k string) string {
	switch {
	case k == Any:
		return "[_]"
	case identifier(k):
		return "." + k
	}
	return "[" + strconv.Quote(k) + "]"
}

// identifier reports whether k can be written .k in Rego.
func identifier(k string) bool {
	for i, r := range k {
		if r != '_' && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') && (i == 0 || !('0' <= r && r <= '9')) {
			return false
		}
	}
	return k != ""
}
