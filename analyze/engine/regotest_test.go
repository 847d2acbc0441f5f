package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestTest(t *testing.T) {
	pack := Pack{Name: "testdata/tests", FS: os.DirFS("testdata/tests")}
	results, err := Test(context.Background(), Options{Packs: []Pack{pack}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range results {
		got = append(got, fmt.Sprintf("%s:%d %s pass=%v fail=%v skip=%v err=%v output=%q",
			r.File, r.Line, r.Name, r.Passed(), r.Fail, r.Skip, r.Err, r.Output))
	}
	want := []string{
		`testdata/tests/target_test.rego:5 ipvslint.rules.target_test.test_fires pass=true fail=false skip=false err=<nil> output=""`,
		`testdata/tests/target_test.rego:9 ipvslint.rules.target_test.test_wrong pass=false fail=true skip=false err=<nil> output="findings: 2\n"`,
		`testdata/tests/target_test.rego:15 ipvslint.rules.target_test.todo_test_later pass=false fail=false skip=true err=<nil> output=""`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Without the built-in pack, data.ipvslint.lib is not there.
	if _, err := Test(context.Background(), Options{NoBuiltin: true, Packs: []Pack{pack}}); err == nil {
		t.Error("no error without the built-in pack's lib")
	}
	// A forbidden builtin is refused in tests too.
	_, err = Test(context.Background(), Options{NoBuiltin: true, Packs: []Pack{{Name: "testdata/forbidden", FS: os.DirFS("testdata/forbidden")}}})
	if want := "testdata/forbidden/fetch.rego:9: builtin http.send is not allowed in rules"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %s...", err, want)
	}
}
