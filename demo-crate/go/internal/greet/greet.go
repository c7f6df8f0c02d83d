// Package greet renders greetings from an embedded template.
package greet

import (
	"bytes"
	"embed"
	"text/template"
)

//go:embed templates
var templates embed.FS

var tmpl = template.Must(template.ParseFS(templates, "templates/*.tmpl"))

// Hello greets who.
func Hello(who string) string {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "hello.tmpl", who); err != nil {
		return "template error: " + err.Error()
	}
	return b.String()
}
