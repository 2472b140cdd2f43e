package corpusgen

import (
	"math/rand/v2"
	"strings"
)

var questionTemplates = []string{
	"who do i contact about {concern} in {place}?",
	"whats the number for {teamshort}",
	"how do I {action}?",
	"{yp} {sign}, what should I do",
	"is there any {short} training coming up?",
	"do I need parental consent before {consentaction}?",
	"threshold for {name}?",
	"{concern} out of hours, who do I ring?",
	"any practice examples about {name}?",
	"what happens after {event}?",
	"can I book a consultation with {specialist}?",
	"{teamshort} email address?",
	"worried about a child who {sign} - is this {short}?",
	"what is {term}?",
	"how quickly do I need to {action}?",
	"where do I record {concern}?",
	"who leads on {name} in {place}",
	"{yp} {sign}. do I refer to {teamshort} or the MASH?",
	"what do I put in the referral for {concern}",
	"is {term} the same as {term}?",
}

var (
	youngPeople     = []string{"yp", "young person", "a child on my caseload", "one of my kids", "a pupil", "my 15yo", "a boy in year 9", "girl I work with"}
	consentActions  = []string{"making a Prevent referral", "sharing info with police", "a referral to early help", "talking to the school", "referring to Channel", "an NRM referral", "contacting the LADO"}
	events          = []string{"a Prevent referral", "a strategy discussion", "the MASH screens a contact", "Channel panel", "a LADO referral", "an NRM referral", "a return home interview", "an early help assessment"}
	specialists     = []string{"a psychologist", "the Prevent specialist social worker", "the Heron team", "the LADO", "Compass", "someone in the exploitation team"}
	questionOpeners = []string{"hi ", "quick q - ", "sorry to bother, ", "help - ", "morning, ", "hiya "}
	questionClosers = []string{" pls", " thanks", " asap", " x", " ta", " thx"}
	typos           = [][2]string{{"referral", "referal"}, {"psychologist", "pyschologist"}, {"safeguarding", "safegaurding"}, {"consultation", "consulation"},
		{"exploitation", "exploitaton"}, {"radicalisation", "radicalization"}, {"threshold", "threshhold"}, {"training", "trainng"}, {"number", "numbr"}}
)

// Questions returns n practitioners' questions as they are typed into chat:
// about the topics, teams and places Generate writes about, some lower
// case, some with a greeting, a sign-off or a typing error. The same n and
// seed return the same questions.
func Questions(n int, seed int64) []string {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5175657374696f6e)) // "Question"
	out := make([]string, 0, max(n, 0))
	for range n {
		g := &gen{r: r, t: pickWeighted(r, topics, func(t topic) int { return t.weight })}
		g.team = teamBySlug(pick(r, g.t.teams))
		q := g.fillQuestion(pick(r, questionTemplates))
		if r.IntN(10) < 4 {
			q = strings.ToLower(q)
		}
		if r.IntN(10) == 0 {
			tp := pick(r, typos)
			q = strings.Replace(q, tp[0], tp[1], 1)
		}
		if r.IntN(6) == 0 {
			q = pick(r, questionOpeners) + q
		}
		if r.IntN(6) == 0 {
			q = strings.TrimRight(q, "?") + pick(r, questionClosers)
		}
		out = append(out, q)
	}
	return out
}

func (g *gen) fillQuestion(tmpl string) string {
	r := g.r
	for _, kv := range [][2]string{
		{"{yp}", pick(r, youngPeople)}, {"{consentaction}", pick(r, consentActions)},
		{"{event}", pick(r, events)}, {"{specialist}", pick(r, specialists)},
	} {
		tmpl = strings.ReplaceAll(tmpl, kv[0], kv[1])
	}
	return g.fill(tmpl)
}
