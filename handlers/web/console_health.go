package web

import (
	"cmp"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// The corpus-health page: what the corpus owners should chase. Documents
// past their review date or due within dueSoon, with their owners;
// contacts with no phone or no email; links from one document to another
// that lead nowhere.

// Corpus is the corpus the console checks; knowledge.Live implements it.
type Corpus interface {
	Documents() []*bot.Document
}

// dueSoon is how far ahead a review date counts as near.
const dueSoon = 30 * 24 * time.Hour

// docRow is one document on the health page.
type docRow struct {
	ID, Title, Owner, Due, Note string
	due                         time.Time
}

// healthView is the corpus-health page's lists.
type healthView struct {
	Documents               int
	Stale, DueSoon          []docRow
	NoPhone, NoEmail        []docRow
	BrokenLinks             []docRow // Note: the link
	NeverShown              []docRow // Note: when last shown, if ever
	ShownSince              string   // since when answers are counted; "" when they are not
	Checked, PastOrNearSoon bool
}

// mdLinkRE finds a Markdown link's target.
var mdLinkRE = regexp.MustCompile(`\]\(\s*([^)\s]+)`)

// health checks docs at now; shown is when each was last shown in an
// answer, counted since since (nil: not counted).
func (c *Chat) health(docs []*bot.Document, now time.Time, shown map[string]time.Time, since time.Time) healthView {
	h := healthView{Documents: len(docs), Checked: true}
	paths := map[string]bool{}
	for _, d := range docs {
		paths[d.Path] = true
	}
	for _, d := range docs {
		row := docRow{ID: d.ID, Title: d.Title, Owner: cmp.Or(d.Owner, "no owner named"), due: d.ReviewDue}
		if !d.ReviewDue.IsZero() {
			row.Due = d.ReviewDue.In(c.console.Location).Format("2 Jan 2006")
		}
		switch {
		case d.Stale(now):
			h.Stale = append(h.Stale, row)
		case !d.ReviewDue.IsZero() && d.ReviewDue.Sub(now) <= dueSoon:
			h.DueSoon = append(h.DueSoon, row)
		}
		if d.Kind == bot.KindContact && d.Contact != nil {
			if strings.TrimSpace(d.Contact.Phone) == "" {
				h.NoPhone = append(h.NoPhone, row)
			}
			if strings.TrimSpace(d.Contact.Email) == "" {
				h.NoEmail = append(h.NoEmail, row)
			}
		}
		if shown != nil && shown[d.ID].IsZero() {
			h.NeverShown = append(h.NeverShown, row)
		}
		for _, m := range mdLinkRE.FindAllStringSubmatch(d.Body, -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if !strings.HasSuffix(strings.ToLower(target), ".md") || strings.Contains(target, "://") {
				continue // a web page, a phone number, an anchor: not a document
			}
			resolved := path.Clean(path.Join(path.Dir(d.Path), target))
			if strings.HasPrefix(target, "/") {
				resolved = path.Clean(strings.TrimPrefix(target, "/"))
			}
			if !paths[resolved] {
				broken := row
				broken.Note = m[1]
				h.BrokenLinks = append(h.BrokenLinks, broken)
			}
		}
	}
	if shown != nil {
		h.ShownSince = c.clock(since)
		if since.IsZero() {
			h.ShownSince = "no answer yet"
		}
	}
	byDue := func(a, b docRow) int { return cmp.Or(a.due.Compare(b.due), strings.Compare(a.ID, b.ID)) }
	slices.SortFunc(h.Stale, byDue)
	slices.SortFunc(h.DueSoon, byDue)
	return h
}
