package redact

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"

	"github.com/ipvslint/ipvslint/internal/atomicfile"
)

// MapFormat is the "format" value of a map file.
const MapFormat = "ipvslint.redact-map/v1"

// Map is what turns a redacted bundle, and the reports written from it,
// back into real names and addresses: the key of the address permutation
// and every name with its token. It stays with the customer. The zero Map
// is not valid: use [NewMap] or [ReadMap].
type Map struct {
	Format    string    `json:"format"` // MapFormat
	Note      string    `json:"note"`
	Key       string    `json:"key"` // hex, KeySize bytes
	Names     []Name    `json:"names"`
	Addresses []Address `json:"addresses"` // every address mapped, for people; the key alone maps them back
}

// Name is a name and its token.
type Name struct {
	Kind  Kind   `json:"kind"`
	Name  string `json:"name"`
	Token string `json:"token"`
}

// Address is an address and the one it was mapped to.
type Address struct {
	Address netip.Addr `json:"address"`
	Mapped  netip.Addr `json:"mapped"`
}

// mapNote is the Note of every map.
const mapNote = "Keep this file and never send it: it turns the redacted bundle's tokens and addresses back into real ones (ipvslint unredact-report --map)."

// NewMap returns an empty map with a random key.
func NewMap() (*Map, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return &Map{Format: MapFormat, Note: mapNote, Key: hex.EncodeToString(key)}, nil
}

// ReadMap reads a map file written by [Map.Write].
func ReadMap(path string) (*Map, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := new(Map)
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("%s: not a redaction map: %w", path, err)
	}
	if m.Format != MapFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", path, m.Format, MapFormat)
	}
	if _, err := m.perm(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	for _, n := range m.Names {
		if n.Name == "" || n.Token == "" || seen[n.Token] {
			return nil, fmt.Errorf("%s: bad or repeated token %q for %q", path, n.Token, n.Name)
		}
		seen[n.Token] = true
	}
	return m, nil
}

// perm returns the permutation of the map's key.
func (m *Map) perm() (*Perm, error) {
	key, err := hex.DecodeString(m.Key)
	if err != nil {
		return nil, fmt.Errorf("bad key: %w", err)
	}
	return NewPerm(key)
}

// Write writes the map to path atomically (a temporary file in the same
// folder, renamed over path), readable by its owner only.
func (m *Map) Write(path string) error {
	slices.SortFunc(m.Addresses, func(a, b Address) int { return a.Address.Compare(b.Address) })
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// sortNames orders the names by kind, then token number.
func sortNames(names []Name) {
	slices.SortStableFunc(names, func(a, b Name) int {
		return cmp.Or(cmp.Compare(rank(a.Kind), rank(b.Kind)), cmp.Compare(len(a.Token), len(b.Token)), cmp.Compare(a.Token, b.Token))
	})
}
