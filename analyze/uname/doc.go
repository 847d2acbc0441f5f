// Package uname parses what `uname -a` prints ("Linux node-a
// 5.4.0-150-generic #167-Ubuntu SMP Tue Mar 7 12:00:00 UTC 2023 x86_64
// x86_64 x86_64 GNU/Linux"), or `uname -r` alone ("5.4.0-150-generic"): the
// kernel release, its parsed version, the host name and the machine.
//
// The kernel build string ("#167-Ubuntu SMP ...") holds blanks, so the fields
// after it are found from the end: the operating system last, before it the
// machine, processor and hardware platform, which GNU uname leaves out when
// they are "unknown" and busybox prints only in part.
//
// A capture that holds a shell's "command not found" sets [Result.Failure].
package uname
