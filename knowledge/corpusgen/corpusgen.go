// Package corpusgen writes large, realistic and entirely fictional corpora in
// Waymark's corpus format (shared/spec/corpus.md), for benchmarks and load
// tests of the knowledge package.
//
// Generate composes each document from a varied vocabulary: about thirty
// safeguarding topics (Prevent, Channel, county lines, CSE, the MASH, LADO,
// strategy discussions, s47 enquiries, early help, thresholds, consent, ...),
// eighteen teams, invented places and people, and sentence templates for each
// kind of document, so term statistics look like a council's corpus rather
// than one template repeated. Kinds come in the proportions a council's
// corpus has (contacts, processes and guidance most, then pathways, training
// and practice examples); about one document in ten is national material and
// about three in a hundred are past their review date.
//
// Everything is invented: people, teams, places and the council, "Generated
// Vale". Phone numbers are in Ofcom's drama range 01632 960000-961999 and
// emails are at .example domains. Dates are fixed (documents were reviewed
// between December 2025 and October 2026), so the output depends only on n
// and the seed: the same arguments write the same bytes.
package corpusgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Area is the default area of a generated corpus.
const Area = "Generated Vale"

// settingsFile is the corpus settings file Generate writes.
const settingsFile = `# Generated Vale: a fictional corpus written by knowledge/corpusgen.
# Every person, team, place, phone number and email in it is invented.
area: Generated Vale
synonyms:
  - [GenCare, GenCare record, case management system]
  - [Beacon, Beacon Early Help, early help service]
  - [Heron, Heron Team, Heron Exploitation Team, exploitation team]
`

// Word bounds of a document body (words with at least one letter).
const (
	minBodyWords = 150
	maxBodyWords = 400
)

// edtPhone is the Emergency Duty Team's published number.
const edtPhone = "01632 960 999"

// kindPlan is a document kind, its folder and how often it occurs.
type kindPlan struct {
	kind, folder string
	weight       int
}

var kindPlans = []kindPlan{
	{"process", "processes", 22},
	{"pathway", "pathways", 12},
	{"contact", "contacts", 26},
	{"guidance", "guidance", 20},
	{"training", "training", 10},
	{"practice", "practice", 10},
}

// Shares of national documents and of documents past review.
const (
	nationalShare = 0.10
	staleShare    = 0.03
)

// Generate writes n documents and a corpus.yaml into dir, creating it if
// needed. Documents go into one folder per kind (processes, contacts, ...)
// and national ones into national/<kind folder>. Ids are unique. The same n
// and seed always write the same files.
func Generate(dir string, n int, seed int64) error {
	if n < 0 {
		return fmt.Errorf("generate corpus: n is %d, want 0 or more", n)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("generate corpus: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "corpus.yaml"), []byte(settingsFile), 0o644); err != nil {
		return fmt.Errorf("generate corpus: %w", err)
	}
	made := map[string]bool{}
	for i := range n {
		d := newDoc(seed, i)
		folder := filepath.Join(dir, filepath.FromSlash(d.folder))
		if !made[folder] {
			if err := os.MkdirAll(folder, 0o755); err != nil {
				return fmt.Errorf("generate corpus: %w", err)
			}
			made[folder] = true
		}
		path := filepath.Join(folder, d.file)
		if err := os.WriteFile(path, d.render(), 0o644); err != nil {
			return fmt.Errorf("generate corpus: %w", err)
		}
	}
	return nil
}

// doc is one generated document before it is written.
type doc struct {
	folder, file string

	id, title, kind, area, summary, owner, url string
	tags                                       []string
	reviewed, reviewDue                        time.Time

	contact *contact
	body    string
}

type contact struct {
	name, role, team, org, phone, email, hours, outOfHours, specialism string
	bookable                                                           bool
}

// gen holds what one document is composed from.
type gen struct {
	r        *rand.Rand
	t        topic
	kind     string
	national bool
	team     team              // the team the document names most
	last     map[string]string // placeholder -> the value it last had
	zipf     *rand.Zipf
}

func newDoc(seed int64, i int) *doc {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
	kp := pickWeighted(r, kindPlans, func(k kindPlan) int { return k.weight })
	g := &gen{
		r:        r,
		t:        pickWeighted(r, topics, func(t topic) int { return t.weight }),
		kind:     kp.kind,
		national: r.Float64() < nationalShare,
	}
	g.team = teamBySlug(pick(r, g.t.teams))

	d := &doc{kind: kp.kind, area: "", folder: kp.folder}
	if g.national {
		d.area = "national"
		d.folder = "national/" + kp.folder
	}
	d.id = fmt.Sprintf("gv-%s-%s-%05d", kp.kind, g.t.slug, i)
	d.file = fmt.Sprintf("%s-%05d.md", g.t.slug, i)
	d.title = g.title()
	d.summary = g.summary()
	d.tags = g.tags()
	d.owner = g.owner()
	if g.national {
		d.url = fmt.Sprintf("https://national.example/guidance/%s/%d", g.t.slug, i)
	} else {
		d.url = fmt.Sprintf("https://generatedvale.example/childrens-services/%s/%d", g.t.slug, i)
	}
	d.reviewed, d.reviewDue = g.dates()
	if kp.kind == "contact" {
		d.contact = g.contact(d)
	}
	d.body = g.body(d)
	return d
}

func teamBySlug(slug string) team {
	for _, t := range teams {
		if t.slug == slug {
			return t
		}
	}
	panic("corpusgen: no team " + slug) // the vocabulary is fixed at build time
}

// teamPhone is a team's main line, stable for the team.
func teamPhone(t team) string {
	i := slices.IndexFunc(teams, func(x team) bool { return x.slug == t.slug })
	return phone(100 + 10*i)
}

func teamEmail(t team) string { return t.slug + "@" + t.domain }

// phone formats n (0..1999) as a number in 01632 960000-961999.
func phone(n int) string {
	n = 960000 + n%2000
	return fmt.Sprintf("01632 %d %03d", n/1000, n%1000)
}

func (g *gen) dates() (reviewed, due time.Time) {
	r := g.r
	switch {
	case r.Float64() < staleShare:
		reviewed = time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(300))
		return reviewed, reviewed.AddDate(1, 0, 0)
	case r.IntN(25) == 0:
		return time.Time{}, time.Time{} // some documents carry no dates
	}
	reviewed = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(330))
	if r.IntN(4) == 0 {
		return reviewed, reviewed.AddDate(2, 0, 0)
	}
	return reviewed, reviewed.AddDate(1, 0, 0)
}

func (g *gen) owner() string {
	if g.national {
		return "Generated Vale Safeguarding Partnership (summary of national guidance)"
	}
	if g.r.IntN(2) == 0 {
		return g.team.name
	}
	return pick(g.r, g.team.roles)
}

func (g *gen) tags() []string {
	tags := []string{g.t.slug}
	extra := slices.Clone(g.t.tags)
	g.r.Shuffle(len(extra), func(i, j int) { extra[i], extra[j] = extra[j], extra[i] })
	tags = append(tags, extra[:min(len(extra), 2+g.r.IntN(3))]...)
	switch g.kind {
	case "contact":
		tags = append(tags, "contact", g.team.slug)
	case "training":
		tags = append(tags, "training")
	case "practice":
		tags = append(tags, "practice-example")
	case "pathway":
		tags = append(tags, "pathway")
	}
	if g.national {
		tags = append(tags, "national")
	} else if g.r.IntN(4) == 0 {
		tags = append(tags, slug(pick(g.r, places)))
	}
	var out []string
	for _, t := range tags {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (g *gen) contact(d *doc) *contact {
	r := g.r
	t := g.team
	c := &contact{team: t.name, org: t.org, hours: pick(r, t.hours), specialism: t.specialism}
	if g.national {
		c.org = "National service (fictional)"
		c.team = pick(r, nationalLines)
		c.name = c.team
		c.role = "National advice line for professionals"
		c.phone = phone(1900 + r.IntN(100))
		c.email = slug(c.team) + "@national.example"
		c.hours = "Mon-Fri 09:00-17:00"
		c.specialism = ""
		return c
	}
	if r.IntN(3) == 0 {
		// A team or rota rather than a person.
		c.name = t.name
		if r.IntN(2) == 0 {
			c.name = t.name + " – " + pick(r, places) + " office"
		}
		c.role = pick(r, []string{"Duty line", "Team duty rota", "Advice and consultation line", "Team inbox and duty phone"})
		c.phone = teamPhone(t)
		c.email = teamEmail(t)
	} else {
		first, last := pick(r, firstNames), pick(r, surnames)
		if r.IntN(3) == 0 {
			last = g.local()
		}
		c.name = pick(r, titlesOfAddress) + first + " " + last
		c.role = pick(r, t.roles)
		c.phone = phone(r.IntN(2000))
		c.email = strings.ToLower(first[:1]+"."+strings.ReplaceAll(last, "'", "")) + "@" + t.domain
		if r.IntN(5) == 0 {
			c.email = teamEmail(t) // shared inbox
		}
	}
	if t.slug != "edt" && t.slug != "camhs" && r.IntN(3) > 0 {
		c.outOfHours = "Emergency Duty Team " + edtPhone
	}
	c.bookable = t.bookable && c.specialism != "" && r.IntN(2) == 0
	return c
}

var nationalLines = []string{"National Prevent Advice Line", "National Child Exploitation Advice Service", "National Allegations Advice Line",
	"National Online Harms Reporting Desk", "National Information Sharing Helpdesk"}

// render writes the document in the corpus format.
func (d *doc) render() []byte {
	var b strings.Builder
	line := func(key, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s: %s\n", key, quote(value))
		}
	}
	b.WriteString("---\n")
	fmt.Fprintf(&b, "id: %s\n", d.id)
	line("title", d.title)
	fmt.Fprintf(&b, "kind: %s\n", d.kind)
	if d.area != "" {
		fmt.Fprintf(&b, "area: %s\n", d.area)
	}
	fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(d.tags, ", "))
	line("summary", d.summary)
	line("owner", d.owner)
	if !d.reviewed.IsZero() {
		fmt.Fprintf(&b, "reviewed: %s\nreview_due: %s\n", d.reviewed.Format(time.DateOnly), d.reviewDue.Format(time.DateOnly))
	}
	line("url", d.url)
	if c := d.contact; c != nil {
		line("name", c.name)
		line("role", c.role)
		line("team", c.team)
		line("organisation", c.org)
		line("phone", c.phone)
		line("email", c.email)
		line("hours", c.hours)
		line("out_of_hours", c.outOfHours)
		line("specialism", c.specialism)
		if c.bookable {
			b.WriteString("bookable: true\n")
		}
	}
	b.WriteString("---\n")
	b.WriteString(d.body)
	b.WriteString("\n")
	return []byte(b.String())
}

// quote writes s as a YAML double-quoted scalar.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func pickWeighted[T any](r *rand.Rand, xs []T, weight func(T) int) T {
	total := 0
	for _, x := range xs {
		total += weight(x)
	}
	n := r.IntN(total)
	for _, x := range xs {
		if n -= weight(x); n < 0 {
			return x
		}
	}
	return xs[len(xs)-1]
}

// words counts the words of text that have at least one letter.
func words(text string) int {
	n := 0
	for _, f := range strings.Fields(text) {
		if strings.IndexFunc(f, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return n
}

func capFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
