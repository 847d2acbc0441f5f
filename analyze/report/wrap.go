package report

// Wrap splits text into lines of at most width runes at spaces, as the
// text reports do: a word longer than width gets a line of its own, line
// breaks in text are kept. Other text writers (ipvslint trace) use it to
// read like the reports.
func Wrap(text string, width int) []string { return wrap(text, width) }
