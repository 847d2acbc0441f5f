package uname_test

import (
	"fmt"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/analyze/uname"
)

func ExampleVersion_AtLeast() {
	capture := "Linux node-a 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n"
	res, err := uname.Parse(strings.NewReader(capture), source.Pos{File: "nodes/node-a/uname.txt", Line: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	if res.Version.IsValid() && !res.Version.AtLeast(5, 9) {
		fmt.Println(res.Hostname, "runs kernel", res.Version, "older than 5.9")
	}
	// Output:
	// node-a runs kernel 5.4.0 older than 5.9
}
