package kube

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Version is what `kubectl version` printed, in any of its forms.
type Version struct {
	// Pos is the place of the output's first line.
	Pos source.Pos `json:"pos"`
	// Client and Server are the gitVersion strings of kubectl and the API
	// server ("v1.24.6-aliyun.1"); empty when not printed (`--client`, or
	// an unreachable server).
	Client string `json:"client,omitempty"`
	Server string `json:"server,omitempty"`
	// Kustomize is the version of kubectl's built-in kustomize, if printed.
	Kustomize string `json:"kustomize,omitempty"`
	// ServerVersion is Server parsed; nil when Server is empty or not a
	// version.
	ServerVersion *GitVersion      `json:"serverVersion,omitempty"`
	Warnings      []source.Warning `json:"warnings,omitempty"`
	// Failure is kubectl's error message when it could not ask the server
	// ("The connection to the server localhost:8080 was refused...").
	Failure *source.Failure `json:"failure,omitempty"`
}

// versionInfo is the version.Info object of `kubectl version -o json|yaml`.
type versionInfo struct {
	Major      string `json:"major"`
	Minor      string `json:"minor"`
	GitVersion string `json:"gitVersion"`
}

// gitVersion returns the gitVersion, or one made of major and minor when it
// is missing (minor may read "23+" on vendors' builds).
func (i *versionInfo) gitVersion() string {
	if i == nil {
		return ""
	}
	if i.GitVersion != "" || i.Major == "" {
		return i.GitVersion
	}
	return "v" + i.Major + "." + strings.TrimSuffix(i.Minor, "+") + ".0"
}

// versionDoc is the document `kubectl version -o json|yaml` prints.
type versionDoc struct {
	ClientVersion    *versionInfo `json:"clientVersion"`
	ServerVersion    *versionInfo `json:"serverVersion"`
	KustomizeVersion string       `json:"kustomizeVersion"`
}

// textVersion matches a line of `kubectl version` text output:
// "Client Version: v1.28.2", `Server Version: version.Info{Major:"1", ...}`.
var textVersion = regexp.MustCompile(`^(Client|Server|Kustomize) Version: (.*)$`)

// infoField matches a field of a printed version.Info struct.
var infoField = regexp.MustCompile(`(\w+):"([^"]*)"`)

// ParseVersion reads the output of `kubectl version` in its JSON (-o json),
// YAML (-o yaml) or text forms, old (`version.Info{...}`) and new, from r
// whose first line is at. kubectl's warnings and errors around the output
// are kept as Warnings and Failure. It returns an error only when the input
// holds none of these forms.
func ParseVersion(r io.Reader, at source.Pos) (*Version, error) {
	if at.Line <= 0 {
		at.Line = 1
	}
	in := newLineReader(r, at)
	data, tooLong, err := in.readAll(MaxObject)
	switch {
	case err != nil:
		return nil, &source.ParseError{Pos: at, Err: err}
	case tooLong:
		return nil, &source.ParseError{Pos: at, Err: ErrTooLarge}
	}
	ms := &in.msgs
	v := &Version{Pos: at, Warnings: ms.warnings}
	first, firstLine := firstLineOf(data, at)
	switch {
	case first == "":
	case first[0] == '{':
		err = v.document(data, firstLine, json.Unmarshal)
	case textVersion.MatchString(first):
		err = v.text(data, at)
	default:
		err = v.document(data, firstLine, func(b []byte, x any) error { return yaml.Unmarshal(b, x) })
	}
	if err != nil {
		return nil, err
	}
	v.Failure = ms.result(v.Client == "" && v.Server == "")
	v.parseServer()
	return v, nil
}

// firstLineOf returns the first line of data that is not blank, and its place.
func firstLineOf(data []byte, at source.Pos) (string, source.Pos) {
	for n := 0; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			return string(t), source.Pos{File: at.File, Line: at.Line + n}
		}
	}
	return "", at
}

// document reads the JSON or YAML document of `kubectl version -o json|yaml`.
func (v *Version) document(data []byte, at source.Pos, unmarshal func([]byte, any) error) error {
	v.Pos = at
	var doc versionDoc
	if err := unmarshal(data, &doc); err != nil {
		return &source.ParseError{Pos: at, Err: fmt.Errorf("not kubectl version output: %v", err)}
	}
	if doc.ClientVersion == nil && doc.ServerVersion == nil {
		return &source.ParseError{Pos: at, Err: fmt.Errorf("not kubectl version output: no clientVersion or serverVersion")}
	}
	v.setDoc(&doc)
	return nil
}

// setDoc copies the versions of a kubectl version document.
func (v *Version) setDoc(doc *versionDoc) {
	v.Client = doc.ClientVersion.gitVersion()
	v.Server = doc.ServerVersion.gitVersion()
	v.Kustomize = doc.KustomizeVersion
}

// versionFromJSON reads a kubectl version document met among objects.
func versionFromJSON(body []byte, at source.Pos) (*Version, error) {
	v := &Version{Pos: at}
	var doc versionDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	v.setDoc(&doc)
	v.parseServer()
	return v, nil
}

// parseServer sets ServerVersion from Server.
func (v *Version) parseServer() {
	if v.Server == "" {
		return
	}
	sv, err := ParseGitVersion(v.Server)
	if err != nil {
		v.Warnings = append(v.Warnings, source.Warnf(v.Pos, "", "server version: %v", err))
		return
	}
	v.ServerVersion = &sv
}

// text reads the text form: "Client Version: v1.28.2" lines.
func (v *Version) text(data []byte, at source.Pos) error {
	s := source.NewScanner(bytes.NewReader(data), at.File, at.Line)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" {
			continue
		}
		m := textVersion.FindStringSubmatch(line)
		if m == nil {
			v.Warnings = append(v.Warnings, source.Warnf(s.Pos(), line, "unknown line"))
			continue
		}
		val := m[2]
		if strings.HasPrefix(val, "version.Info{") {
			info := versionInfo{}
			for _, f := range infoField.FindAllStringSubmatch(val, -1) {
				switch f[1] {
				case "Major":
					info.Major = f[2]
				case "Minor":
					info.Minor = f[2]
				case "GitVersion":
					info.GitVersion = f[2]
				}
			}
			val = info.gitVersion()
		}
		switch m[1] {
		case "Client":
			v.Client = val
		case "Server":
			v.Server = val
		case "Kustomize":
			v.Kustomize = val
		}
	}
	v.Warnings = append(v.Warnings, s.Warnings()...)
	return s.Err()
}
