package registry

import (
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"
)

//go:embed registry.html
var files embed.FS

var page = template.Must(template.New("registry.html").Funcs(template.FuncMap{
	"date": RussianDate,
}).ParseFS(files, "registry.html"))

// Format is an output format of the registry.
type Format string

// Formats.
const (
	HTML Format = "html"
	JSON Format = "json"
	CSV  Format = "csv"
)

// ParseFormat checks a -format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case HTML, JSON, CSV:
		return f, nil
	}
	return "", fmt.Errorf("-format %q: want html, json or csv", s)
}

// Render writes the registry in format f; times are shown in loc.
func (r *Registry) Render(w io.Writer, f Format, loc *time.Location) error {
	switch f {
	case HTML:
		return r.renderHTML(w, loc)
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case CSV:
		return r.renderCSV(w)
	}
	return fmt.Errorf("registry: unknown format %q", f)
}

// csvHeader is the CSV's first line (README: «Реестр страниц»).
// verified_text came later, so it is last: readers by position still work.
var csvHeader = []string{"account", "network", "network_name", "name", "url", "purpose", "verified", "followers", "last_post", "network_data", "missing", "verified_text"}

func (r *Registry) renderCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, e := range r.Accounts {
		verified, last, followers := "", "", ""
		if e.Verified != nil {
			verified = strconv.FormatBool(*e.Verified)
		}
		if e.LastPost != nil {
			last = e.LastPost.Format(time.RFC3339)
		}
		if e.NetworkData {
			followers = strconv.Itoa(e.Followers)
		}
		if err := cw.Write([]string{e.Account, e.Network, e.NetworkName, e.Name, e.URL, e.Purpose,
			verified, followers, last, strconv.FormatBool(e.NetworkData), e.Missing, e.VerifiedText}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (r *Registry) renderHTML(w io.Writer, loc *time.Location) error {
	if loc == nil {
		loc = time.Local
	}
	type row struct {
		Entry
		LastPost string
	}
	data := struct {
		*Registry
		Generated string
		Rows      []row
		Unknown   bool // some network documents no state mark
	}{Registry: r, Generated: RussianDate(r.GeneratedAt.In(loc))}
	for _, e := range r.Accounts {
		data.Unknown = data.Unknown || e.VerifiedText == MarkUnknown
		rw := row{Entry: e}
		if e.LastPost != nil {
			rw.LastPost = RussianDate(e.LastPost.In(loc))
		}
		data.Rows = append(data.Rows, rw)
	}
	return page.Execute(w, data)
}

var months = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
	"августа", "сентября", "октября", "ноября", "декабря"}

// RussianDate is "1 декабря 2026 г." (zero time: "").
func RussianDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d г.", t.Day(), months[t.Month()-1], t.Year())
}
