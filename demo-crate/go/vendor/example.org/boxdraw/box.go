// Package boxdraw frames lines of text with Unicode box-drawing characters.
//
// It stands in for a third-party dependency of the demo: the demo module
// requires example.org/boxdraw v1.2.0 in go.mod and vendors it, so the demo
// builds offline (go-link-build uses vendor/ by default when it exists, as
// the go command does, after checking vendor/modules.txt against go.mod).
package boxdraw

import (
	"strings"
	"unicode/utf8"
)

// Frame returns the lines inside a box, padded to the widest line.
func Frame(lines ...string) string {
	width := 0
	for _, l := range lines {
		width = max(width, utf8.RuneCountInString(l))
	}
	var b strings.Builder
	b.WriteString("╭" + strings.Repeat("─", width+2) + "╮\n")
	for _, l := range lines {
		pad := width - utf8.RuneCountInString(l)
		b.WriteString("│ " + l + strings.Repeat(" ", pad) + " │\n")
	}
	b.WriteString("╰" + strings.Repeat("─", width+2) + "╯")
	return b.String()
}
