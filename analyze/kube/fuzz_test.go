package kube

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// FuzzParse checks that no input crashes Parse, that errors are
// *source.ParseErrors, and that every object it keeps has a place inside
// the input and no Secret or foreign ConfigMap content survives.
func FuzzParse(f *testing.F) {
	for _, s := range []string{specList, emptyList, serviceKinds, serviceListJSON, betaSlice, v1Slices, watchJSON, configMaps, nodesPods, versionJSON, versionYAML,
		"---\n", "[]", "{}", "[{\"kind\":\"Service\"}]", "a: &a [*a]\n", "items:\n- items:\n  - kind: Service\n"} {
		f.Add(s)
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "TestGolden", "*.yaml"))
	for _, name := range golden {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, in string) {
		o, err := Parse(strings.NewReader(in), source.Pos{File: "f", Line: 1})
		if err != nil {
			var pe *source.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *source.ParseError: %v", err, err)
			}
			return
		}
		lines := bytes.Count([]byte(in), []byte{'\n'}) + 1
		check := func(p source.Pos) {
			if p.File != "f" || p.Line < 1 || p.Line > lines {
				t.Fatalf("position %v outside the input of %d lines", p, lines)
			}
		}
		for _, s := range o.Services {
			check(s.Pos)
		}
		for _, s := range o.EndpointSlices {
			check(s.Pos)
		}
		for _, s := range o.Pods {
			check(s.Pos)
			if len(s.Spec.Containers) > 0 {
				t.Fatal("pod containers kept")
			}
		}
		if o.ProxyConfig != nil {
			check(o.ProxyConfig.Pos)
		}
	})
}

// FuzzParseVersion checks that no input crashes ParseVersion.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{versionJSON, versionYAML, "Client Version: v1.28.2\nServer Version: v1.24.6-aliyun.1\n",
		`Server Version: version.Info{Major:"1", Minor:"23+", GitVersion:"v1.23.17-eks-a5565ad"}`, "Error from server (NotFound): x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseVersion(strings.NewReader(in), source.Pos{File: "f", Line: 1})
		if err != nil {
			return
		}
		if v.ServerVersion != nil {
			if back, err := ParseGitVersion(v.ServerVersion.String()); err != nil || back != *v.ServerVersion {
				t.Fatalf("round trip of %v: %v, %v", v.ServerVersion, back, err)
			}
		}
	})
}
