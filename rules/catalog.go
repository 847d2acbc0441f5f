package rules

import (
	_ "embed"
	"fmt"

	"sigs.k8s.io/yaml"
)

//go:embed catalog.yaml
var catalogYAML []byte

// CatalogEntry is one rule of the rule catalog (catalog.yaml): an ID the
// built-in pack promises to keep.
type CatalogEntry struct {
	ID string `json:"id"`
	// Severity is the rule's default severity: error, warning or info.
	Severity string `json:"severity"`
	// Behaviours are the behaviours the rule encodes (B1..B15), or ["-"].
	Behaviours []string `json:"behaviours"`
	// Section is the part of the catalog the rule is listed in.
	Section string `json:"-"`
}

// Catalog returns the rule catalog in the order catalog.yaml lists it.
func Catalog() ([]CatalogEntry, error) {
	var doc struct {
		Version  int `json:"version"`
		Sections []struct {
			Name  string         `json:"name"`
			Rules []CatalogEntry `json:"rules"`
		} `json:"sections"`
	}
	if err := yaml.UnmarshalStrict(catalogYAML, &doc); err != nil {
		return nil, fmt.Errorf("rules/catalog.yaml: %w", err)
	}
	if doc.Version != 1 {
		return nil, fmt.Errorf("rules/catalog.yaml: version %d, want 1", doc.Version)
	}
	var out []CatalogEntry
	for _, s := range doc.Sections {
		for _, e := range s.Rules {
			e.Section = s.Name
			out = append(out, e)
		}
	}
	return out, nil
}
