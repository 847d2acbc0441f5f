package kube

import "bytes"

// lexState is where a line starts for the [yamlLexer].
type lexState int

const (
	lexBlock   lexState = iota // in the block structure
	lexPlain                   // maybe in a plain scalar continued on lines indented more than x
	lexLiteral                 // in a block scalar (| or >) whose parent node is at column x
	lexDouble                  // in a double-quoted scalar
	lexSingle                  // in a single-quoted scalar
	lexFlow                    // in a flow collection ([...] or {...})
)

// yamlLexer follows the structure of a YAML document line by line, far
// enough to tell the lines that start in the block structure (where a List
// may be cut between its items) from the lines inside a quoted scalar, a
// flow collection, a block scalar or a multi-line plain scalar, where
// column 0 means nothing. It decodes nothing. When it meets what it does not
// follow closely enough (anchors, which later items may use; complex keys;
// a scalar whose parent it cannot tell) it sets lost, and the document is no
// longer cut.
type yamlLexer struct {
	state    lexState
	x        int  // lexPlain, lexLiteral: the column of the node holding the scalar
	content  int  // lexLiteral: the indentation of its content, 0 until its first line
	flow     int  // depth of flow collections
	flowNode bool // in a flow collection, where a node may start
	lost     bool
}

// isSep reports whether b[i] ends an indicator: a space, a tab or the end.
func isSep(b []byte, i int) bool {
	return i >= len(b) || b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'
}

// skipBlanks returns the offset of the first byte at or after i that is not
// a space or a tab.
func skipBlanks(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// skipToken returns the offset after the anchor, alias or tag at i.
func skipToken(b []byte, i int, flow bool) int {
	for i < len(b) && !isSep(b, i) && !(flow && isFlowIndicator(b[i])) {
		i++
	}
	return i
}

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

// scan reads line b (with or without its '\n') and reports whether it starts
// in the block structure with a node or an indicator: blank lines, comment
// lines and lines continuing a scalar or a flow collection do not.
func (lx *yamlLexer) scan(b []byte) bool {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if i := bytes.IndexByte(b, '\r'); i >= 0 && i < len(b)-1 {
		lx.lost = true // a carriage return not ending the line breaks it for YAML, not for the lines read here
	}
	ind := skipSpaces(b, 0)
	blank := ind == len(b)
	switch lx.state {
	case lexLiteral:
		if blank {
			return false
		}
		if lx.content == 0 && ind > lx.x {
			lx.content = ind
		}
		if lx.content > 0 && ind >= lx.content {
			return false
		}
		lx.state = lexBlock
	case lexPlain:
		if blank || ind > lx.x {
			return false
		}
		lx.state = lexBlock
	case lexDouble, lexSingle:
		end, ok := closeQuote(b, 0, lx.state == lexDouble)
		if !ok {
			return false
		}
		if lx.flow > 0 {
			lx.state, lx.flowNode = lexFlow, false
			if end = lx.inFlow(b, end); lx.state == lexBlock {
				lx.block(b, end, -1, true)
			}
			return false
		}
		lx.state = lexBlock
		lx.block(b, skipBlanks(b, end), -1, true)
		return false
	case lexFlow:
		if end := lx.inFlow(b, 0); lx.state == lexBlock {
			lx.block(b, end, -1, true)
		}
		return false
	}
	if blank || b[ind] == '#' {
		return false
	}
	if b[ind] == '\t' {
		lx.lost = true // tabs may not indent
	}
	lx.block(b, ind, -1, false)
	return true
}

// block reads the block structure from b[i] on: indicators, keys and at
// most one scalar or flow collection. parent is the column of the node that
// holds what starts at i (-1: not known); afterKey tells that i follows a
// node that may be a key.
func (lx *yamlLexer) block(b []byte, i, parent int, afterKey bool) {
	if afterKey {
		if i >= len(b) || b[i] != ':' || !isSep(b, i+1) {
			return // a comment, the end of the line, or an error the decoder reports
		}
		i = skipBlanks(b, i+1)
	}
	for i < len(b) {
		c := b[i]
		switch {
		case c == '#':
			return
		case c == '-' && isSep(b, i+1):
			parent = i
			i = skipBlanks(b, i+1)
		case (c == '?' || c == ':') && isSep(b, i+1):
			lx.lost = true // complex keys
			parent = i
			i = skipBlanks(b, i+1)
		case c == '&':
			lx.lost = true // later items may refer to it
			i = skipBlanks(b, skipToken(b, i, false))
		case c == '!':
			i = skipBlanks(b, skipToken(b, i, false))
		case c == '*':
			start := i
			i = skipBlanks(b, skipToken(b, i, false))
			if i < len(b) && b[i] == ':' && isSep(b, i+1) {
				parent = start
				i = skipBlanks(b, i+1)
				continue
			}
			return
		case c == '"' || c == '\'':
			end, ok := closeQuote(b, i+1, c == '"')
			if !ok {
				lx.state = lexSingle
				if c == '"' {
					lx.state = lexDouble
				}
				return
			}
			start := i
			i = skipBlanks(b, end)
			if i < len(b) && b[i] == ':' && isSep(b, i+1) {
				parent = start
				i = skipBlanks(b, i+1)
				continue
			}
			return
		case c == '[' || c == '{':
			lx.state, lx.flow, lx.flowNode = lexFlow, 0, true
			if end := lx.inFlow(b, i); lx.state == lexBlock {
				i = skipBlanks(b, end)
				if i < len(b) && b[i] == ':' && isSep(b, i+1) {
					lx.lost = true // a flow collection as a key
				}
			}
			return
		case c == '|' || c == '>':
			if parent < 0 {
				lx.lost = true
			}
			lx.state, lx.x, lx.content = lexLiteral, parent, 0
			for j := i + 1; j < len(b) && b[j] >= '1' && b[j] <= '9' || j < len(b) && (b[j] == '+' || b[j] == '-'); j++ {
				if b[j] >= '1' && b[j] <= '9' {
					lx.content = max(parent, 0) + int(b[j]-'0')
				}
			}
			return
		default:
			start := i
			for i < len(b) {
				if b[i] == ':' && isSep(b, i+1) {
					break
				}
				if b[i] == '#' && i > start && (b[i-1] == ' ' || b[i-1] == '\t') {
					break
				}
				i++
			}
			if i < len(b) && b[i] == ':' {
				parent = start
				i = skipBlanks(b, i+1)
				continue
			}
			// A plain scalar value, maybe continued on the next lines.
			if parent < 0 {
				lx.lost = true
			}
			lx.state, lx.x = lexPlain, parent
			return
		}
	}
}

// closeQuote returns the offset after the quote closing a scalar whose text
// goes on at b[i], and whether the line holds it.
func closeQuote(b []byte, i int, double bool) (int, bool) {
	for ; i < len(b); i++ {
		switch {
		case double && b[i] == '\\':
			i++
		case double && b[i] == '"':
			return i + 1, true
		case !double && b[i] == '\'':
			if i+1 < len(b) && b[i+1] == '\'' {
				i++
				continue
			}
			return i + 1, true
		}
	}
	return len(b), false
}

// inFlow reads a flow collection from b[i] on, until it closes (it then
// returns the offset after it) or the line ends.
func (lx *yamlLexer) inFlow(b []byte, i int) int {
	quoted := false // the last node was quoted: ':' may follow without a space
	for i < len(b) {
		c := b[i]
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '#' && (i == 0 || b[i-1] == ' ' || b[i-1] == '\t'):
			return len(b)
		case c == '[' || c == '{':
			lx.flow++
			lx.flowNode = true
		case c == ']' || c == '}':
			lx.flow--
			lx.flowNode = false
			quoted = true
			if lx.flow <= 0 {
				lx.state, lx.flow = lexBlock, 0
				return i + 1
			}
		case c == ',':
			lx.flowNode = true
		case c == ':' && (quoted || isSep(b, i+1) || i+1 < len(b) && isFlowIndicator(b[i+1])):
			lx.flowNode = true
		case (c == '"' || c == '\'') && lx.flowNode:
			end, ok := closeQuote(b, i+1, c == '"')
			if !ok {
				lx.state = lexSingle
				if c == '"' {
					lx.state = lexDouble
				}
				return len(b)
			}
			i, lx.flowNode, quoted = end, false, true
			continue
		case c == '&' && lx.flowNode:
			lx.lost = true
			i = skipToken(b, i, true)
			continue
		case (c == '!' || c == '*') && lx.flowNode:
			i = skipToken(b, i, true)
			lx.flowNode = c == '!'
			quoted = c == '*'
			continue
		case c == '?' && lx.flowNode && isSep(b, i+1):
		default:
			lx.flowNode = false
		}
		quoted = quoted && (c == ']' || c == '}')
		i++
	}
	return len(b)
}
