package source

import "strings"

// Failure is a capture that holds a command's error text instead of its
// output: the tool is missing, the caller lacks privileges, or the kernel
// lacks the feature. It is reported, never parsed as data.
type Failure struct {
	Pos     Pos    `json:"pos"`
	Message string `json:"message"`
}

// shellFailures are the endings of the lines shells and tools print when a
// command cannot run at all, whatever the command.
var shellFailures = []string{
	"command not found", // bash: ipvsadm: command not found
	": not found",       // dash: sh: 1: ipvsadm: not found; busybox: sh: ipvsadm: not found
	"No such file or directory",
	"Permission denied",
	"Operation not permitted",
}

// ShellFailure reports whether line is a shell's or tool's "cannot run at all"
// message, such as "bash: ipvsadm: command not found".
func ShellFailure(line string) bool {
	line = strings.TrimSpace(line)
	for _, s := range shellFailures {
		if strings.HasSuffix(line, s) {
			return true
		}
	}
	return false
}
