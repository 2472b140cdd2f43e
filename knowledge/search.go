package knowledge

import (
	"context"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/waymarkhq/waymark/bot"
)

// Ranking constants. Each is a general mechanism, tuned on evaluation sets
// and documented in README.md.
const (
	relatedWeight   = 0.5 // a concept the question implies, and its credit in confidence
	contextBoost    = 0.5 // earlier conversation, for follow-ups
	nationalFactor  = 0.9 // with an area, national material ranks a little below local
	contactIntent   = 1.3 // "who do I ring", "number for": contact documents first
	kindIntent      = 1.3 // "any training", "an example": that kind first
	contactUnasked  = 0.7 // a contact when no one to reach is asked for
	candidates      = 30  // documents fetched from bleve before reranking
	commonShare     = 0.3 // units in more documents than this share: short fields only, not bodies
	commonWeight    = 0.2 // an everyday English word's share in confidence
	everydayWeight  = 0.7 // a frequent English word's (everydayEnglish), which may still be a topic
	bodyOnlyCredit  = 0.5 // a unit found only in a body, not title, summary, tags or contact
	snippetMaxRunes = 240
	// A document superseded by a newer one of the same topic among the
	// candidates (past review while the other is not, or reviewed earlier
	// and past review) ranks just below it.
	supersededFactor = 0.9
	sameTopicShare   = 0.6
)

// Coverage weighs a candidate's BM25 score by the share of the question it
// covers (coverage below): score × (Floor + share)^Power. BM25 alone lets a
// document that repeats one of the question's words outrank one that has
// all of them; coverage already judges whether a document answers, and
// ranking by it too lifted every council's MRR@5. Power 0 turns it off.
type Coverage struct {
	Floor float64 // what a document covering none of the question keeps
	Power float64
}

// DefaultCoverage is the weighting chosen leave one council out over a grid
// (waymark eval --rank-grid; BENCHMARKS.md): six of seven councils' own
// choices, each made on the other councils, were Power 1 (Floor 0.02 to
// 0.1), four of them this one.
var DefaultCoverage = Coverage{Floor: 0.05, Power: 1}

// weigh is score weighed by a coverage share.
func (c Coverage) weigh(score, share float64) float64 {
	if c.Power == 0 {
		return score
	}
	return score * math.Pow(c.Floor+share, c.Power)
}

// kindCues are question words that say what kind of document is wanted:
// "who do I ring" wants a contact, "is there any training" a training offer,
// "an example where" a practice example. A cue multiplies the score of
// documents of that kind.
var kindCues = map[string]struct {
	kind   string
	factor float64
}{
	"number": {bot.KindContact, contactIntent}, "phone": {bot.KindContact, contactIntent},
	"ring": {bot.KindContact, contactIntent}, "call": {bot.KindContact, contactIntent},
	"email": {bot.KindContact, contactIntent}, "mailbox": {bot.KindContact, contactIntent},
	"contact": {bot.KindContact, contactIntent}, "tel": {bot.KindContact, contactIntent},
	"telephone": {bot.KindContact, contactIntent}, "mobile": {bot.KindContact, contactIntent},
	"who": {bot.KindContact, contactIntent}, "whos": {bot.KindContact, contactIntent},
	"details": {bot.KindContact, contactIntent}, "line": {bot.KindContact, contactIntent},
	"training": {bot.KindTraining, kindIntent}, "trained": {bot.KindTraining, kindIntent},
	"course": {bot.KindTraining, kindIntent}, "e-learning": {bot.KindTraining, kindIntent},
	"elearning": {bot.KindTraining, kindIntent}, "learning": {bot.KindTraining, kindIntent},
	"workshop": {bot.KindTraining, kindIntent}, "induction": {bot.KindTraining, kindIntent},
	"example": {bot.KindPractice, kindIntent}, "examples": {bot.KindPractice, kindIntent},
	"worked": {bot.KindPractice, kindIntent},
}

// riskVocabulary is what a question screened as risky also looks for:
// its topic's words, and the urgent words that find the council's
// immediate-risk procedure for "he has a shotgun". A situation the signals
// find but the screening does not escalate (the model judged it a
// look-alike, or a worry rather than an immediate risk) adds its topic
// alone: "her parents are planning her wedding, she doesn't want it" is
// still about forced marriage, but not about the immediate-risk procedure.
var riskVocabulary = map[string]struct{ topic, urgent string }{
	RiskWeapon:   {"weapon", "immediate risk danger"},
	RiskAttack:   {"attack", "immediate risk danger"},
	RiskTravel:   {"travel abroad", "immediate risk"},
	RiskMissing:  {"missing", "immediate risk"},
	RiskDanger:   {"", "immediate danger risk"},
	RiskMarriage: {"forced marriage abroad travel", "immediate risk"},
	RiskFGM:      {"female genital mutilation fgm abroad travel", "immediate risk"},
	RiskSuicide:  {"suicide self harm crisis mental health", "immediate risk"},
	RiskSerious:  {"", "immediate risk danger"},
}

// prepared is a question after correction and analysis.
type prepared struct {
	terms    []string           // distinct index terms, filler removed
	units    []unit             // what the question asks about, for confidence
	concepts []string           // lexicon concepts in the question
	related  []string           // concepts the question implies
	kinds    map[string]float64 // document kinds the question asks for
	context  []unit             // earlier conversation, weighted down; not in confidence
	words    int                // words in the question as asked
	read     *reading           // the question as read for risk
	asks     valueAsk           // the values the question asks for
	// otherCouncil: the question names a council the corpus never names
	// ("ravensmoor council front door number").
	otherCouncil bool
}

// unit is one thing a question asks about: a lexicon concept or a plain term.
type unit struct {
	concept string   // set for a concept
	terms   []string // the index terms it spans
	weight  float64
}

// docFreq is how many documents have u.
func (b *Base) docFreq(u unit) int {
	if u.concept != "" {
		return b.cdf[u.concept]
	}
	return b.df[u.terms[0]]
}

// same reports whether two units ask about the same thing.
func (u unit) same(x unit) bool {
	if u.concept != "" || x.concept != "" {
		return u.concept == x.concept
	}
	return u.terms[0] == x.terms[0]
}

var surfaceRE = regexp.MustCompile(`[\p{L}\p{N}]+(?:['’][\p{L}]+)?`)

// surfaceWords returns the lower-case words of text, as surfaceRE finds
// them, without a regular expression: it runs over every document.
func surfaceWords(text string) []string {
	text = strings.ToLower(text)
	var out []string
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWord(r) {
			i += n
			continue
		}
		start := i
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !isWord(r) {
				break
			}
			i += n
		}
		// One apostrophe and the letters after it ("don't", "child's").
		if r, n := utf8.DecodeRuneInString(text[i:]); i < len(text) && (r == '\'' || r == '’') {
			j := i + n
			for j < len(text) {
				r, m := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += m
			}
			if j > i+n {
				i = j
			}
		}
		out = append(out, text[start:i])
	}
	return out
}

// correct replaces misspelt words of text with the corpus's spelling.
func (b *Base) correct(text string) string {
	lower := strings.ToLower(text)
	var sb strings.Builder
	last := 0
	for _, sp := range surfaceRE.FindAllStringIndex(lower, -1) {
		w := lower[sp[0]:sp[1]]
		if strings.ContainsAny(w, "0123456789'’") || b.lex.filler[w] || commonWords[w] {
			continue
		}
		// A word whose stem the index knows ("radicalising") is no typo.
		if ts := b.an.terms(w); len(ts) == 1 && b.df[ts[0]] > 0 {
			continue
		}
		if c, ok := b.spell.correct(w); ok {
			sb.WriteString(lower[last:sp[0]])
			sb.WriteString(c)
			last = sp[1]
		}
	}
	sb.WriteString(lower[last:])
	return sb.String()
}

func (b *Base) idf(df int) float64 {
	n := float64(b.n)
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// apostrophes drops both kinds of apostrophe: "who's" and "who’s" cue as "whos".
var apostrophes = strings.NewReplacer("'", "", "’", "")

func (b *Base) prepare(text string) prepared {
	text = b.correct(unchat(strings.ToLower(text)))
	p := prepared{kinds: map[string]float64{}}
	for _, w := range surfaceWords(text) {
		if c, ok := kindCues[apostrophes.Replace(w)]; ok {
			p.kinds[c.kind] = c.factor
		}
	}
	all := b.an.terms(text)
	terms := all[:0:0]
	for _, t := range all {
		if !b.lex.filler[t] {
			terms = append(terms, t)
		}
	}
	inConcept := make([]bool, len(terms))
	for _, m := range b.lex.match(terms) {
		for _, r := range b.lex.related[m.concept] {
			if !slices.Contains(p.related, r) {
				p.related = append(p.related, r)
			}
		}
		// A concept no document has says nothing about this corpus: its
		// words, which some document may have, are asked about instead.
		if b.cdf[m.concept] == 0 {
			continue
		}
		for i := m.start; i < m.end; i++ {
			inConcept[i] = true
		}
		if slices.Contains(p.concepts, m.concept) {
			continue
		}
		p.concepts = append(p.concepts, m.concept)
		p.units = append(p.units, unit{concept: m.concept, terms: terms[m.start:m.end], weight: b.idf(b.cdf[m.concept])})
	}
	seen := map[string]bool{}
	for i, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		p.terms = append(p.terms, t)
		if !inConcept[i] {
			w := b.idf(b.df[t])
			// Everyday words, and specifics with digits (8pm, 15yo, 2027),
			// say little about what the question is about.
			switch {
			case b.common[t] || strings.ContainsAny(t, "0123456789"):
				w *= commonWeight
			case b.everyday[t]:
				w *= everydayWeight
			}
			p.units = append(p.units, unit{terms: []string{t}, weight: w})
		}
	}
	return p
}

// clauses are the bleve queries that score documents against p: one per
// field, each a disjunction over what the question asks about. A concept is
// looked up in the field's concepts and a plain term in its text, so a
// document that says "EDT" scores for "emergency duty team" as one that
// spells it out does. bleve's coordination factor then rewards documents
// that cover more of the question, and more of their fields.
func (b *Base) clauses(p prepared) []query.Query {
	var out []query.Query
	// Units in most documents add almost nothing to BM25 (their IDF is near
	// zero), but walking their postings through every body is most of a
	// query's cost on a large corpus: look for them in the short fields only.
	common := func(u unit) bool { return b.docFreq(u) > int(commonShare*float64(b.n)) }
	for _, fb := range fieldBoosts {
		var qs []query.Query
		add := func(u unit, boost float64) {
			var tq *query.TermQuery
			if u.concept != "" {
				tq = query.NewTermQuery(u.concept)
				tq.SetField(fb.name + conceptSuffix)
			} else {
				tq = query.NewTermQuery(u.terms[0])
				tq.SetField(fb.name)
			}
			// bleve ignores a disjunction's own boost: the field's boost
			// goes on each term.
			tq.SetBoost(boost * fb.boost)
			qs = append(qs, tq)
		}
		for _, u := range p.units {
			if fb.name == fieldBody && common(u) {
				continue
			}
			add(u, 1)
		}
		for _, u := range p.context {
			add(u, contextBoost)
		}
		for _, c := range p.related {
			tq := query.NewTermQuery(c)
			tq.SetField(fb.name + conceptSuffix)
			tq.SetBoost(relatedWeight * fb.boost)
			qs = append(qs, tq)
		}
		if len(qs) == 0 {
			continue
		}
		out = append(out, query.NewDisjunctionQuery(qs))
	}
	return out
}

// Search answers a practitioner's question.
func (b *Base) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error) {
	return b.search(ctx, req, b.abstain)
}

// search answers req, abstaining as m judges.
func (b *Base) search(ctx context.Context, req bot.SearchRequest, m *AbstainModel) (bot.SearchResult, error) {
	res, p, rs, err := b.candidates(ctx, req)
	if err != nil || len(rs) == 0 {
		return res, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = b.opts.Limit
	}
	limit = min(limit, MaxLimit)
	res.Confidence = m.confidence(b.features(p, rs), p.read.wordUnits())
	// A question about a child at risk always gets the procedures; one
	// about another council's services is not this corpus's to answer,
	// however well its words match.
	if (res.Confidence < b.opts.MinConfidence || p.otherCouncil) && !res.Screening.Escalate {
		for _, r := range rs {
			if r.doc.Kind == bot.KindContact && len(res.Suggestions) < 3 {
				res.Suggestions = append(res.Suggestions, bot.Hit{Document: r.doc, Score: r.score, Stale: r.doc.Stale(b.opts.Clock.Now())})
			}
		}
		return res, nil
	}
	now := b.opts.Clock.Now()
	steps := stepsRE.MatchString(req.Query)
	for _, r := range rs[:min(limit, len(rs))] {
		res.Hits = append(res.Hits, bot.Hit{
			Document: r.doc,
			Score:    math.Round(r.score*100) / 100,
			Snippet:  b.snippet(r.doc, r.matched, steps),
			Stale:    r.doc.Stale(now),
		})
	}
	return res, nil
}

// candidates screens req and ranks its candidates, before abstention.
func (b *Base) candidates(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, prepared, []ranked, error) {
	q := strings.TrimSpace(req.Query)
	if q == "" {
		return bot.SearchResult{}, prepared{}, nil, bot.Errorf(bot.EInvalid, "Ask a question: the search was empty.")
	}
	limit := min(max(req.Limit, b.opts.Limit), MaxLimit)
	// Risk screening reads the question alone, and most questions are
	// not risky, so the search for them runs while it does: on two cores
	// a question costs the longer of the two, not their sum. When the
	// screening finds a risk (its words join the search), the search runs
	// again with it. A question with personal details is screened first:
	// its details must never reach the index, so it is never searched
	// unredacted.
	search := func(s bot.Screening, read *reading) (prepared, []ranked, error) {
		p := b.understand(q, s, read)
		b.complete(&p, q, req.Context)
		rs, err := b.rank(ctx, p, req, max(candidates, limit))
		return p, rs, err
	}
	kinds, _ := b.screener.personal(q)
	var (
		risks []string
		read  *reading
		p     prepared
		rs    []ranked
		err   error
	)
	if len(kinds) > 0 {
		risks, read = b.risk.screen(q)
	} else {
		type screened struct {
			risks []string
			read  *reading
			panic any
		}
		done := make(chan screened, 1)
		go func() {
			var sc screened
			defer func() {
				// A panic is raised again on the caller's goroutine,
				// where the platform adapters and net/http recover it.
				sc.panic = recover()
				done <- sc
			}()
			sc.risks, sc.read = b.risk.screen(q)
		}()
		p, rs, err = search(bot.Screening{}, &reading{})
		sc := <-done
		if sc.panic != nil {
			panic(sc.panic)
		}
		risks, read = sc.risks, sc.read
	}
	s := screening(kinds, risks)
	if s.PersonalData || s.Escalate || len(read.signalled) > 0 {
		p, rs, err = search(s, read)
	}
	p.read = read
	return bot.SearchResult{Screening: s}, p, rs, err
}

// complete adds to p what the question asks for beyond its words: the
// values it asks, its length, another council, and the words of the
// conversation before it that it does not repeat.
func (b *Base) complete(p *prepared, q, conversation string) {
	p.asks = b.askedValues(q)
	p.words = len(surfaceWords(q))
	p.otherCouncil = b.namesOtherCouncil(q)
	if c := strings.TrimSpace(conversation); c != "" {
		for _, u := range b.prepare(c).units {
			if !slices.ContainsFunc(p.units, u.same) {
				p.context = append(p.context, u)
			}
		}
	}
}

// features measure how well the top candidates rs match p.
func (b *Base) features(p prepared, rs []ranked) features {
	var f features
	if len(rs) == 0 {
		return f
	}
	top := rs[0]
	f[0] = top.cov.share
	f[1] = top.cov.share
	if len(rs) > 1 {
		f[1] = max(f[1], rs[1].cov.share)
		if top.score > 0 {
			f[5] = 1 - rs[1].score/top.score
		}
	} else {
		f[5] = 1
	}
	f[2] = top.cov.known
	var total, unknown float64
	for _, u := range p.units {
		total += u.weight
		if b.docFreq(u) == 0 {
			unknown += u.weight
		}
	}
	if total > 0 {
		f[3] = unknown / total
	}
	f[4] = top.cov.strong
	if hi := b.idf(0); hi > 0 {
		f[6] = top.cov.rarest / hi
	}
	if _, ok := p.kinds[top.doc.Kind]; ok {
		f[7] = 1
	}
	// A follow-up ("and what about online?") is short because the
	// conversation says the rest.
	f[8] = math.Log1p(float64(len(p.units) + len(p.context)))
	if n := len(p.concepts); n > 0 {
		f[9] = float64(top.cov.concepts) / float64(n)
	}
	f[10] = math.Log1p(float64(p.words))
	if b.valueMissing(p.asks, rs) {
		f[12] = 1
	}
	return f
}

// Sample measures q's candidates for fitting an abstention model: whether a
// relevant document is among the top three. Questions that always get
// results (escalations) and those with no answer to check give ok false.
func (b *Base) Sample(ctx context.Context, q Question) (s Sample, ok bool, err error) {
	if q.Expect == ExpectEscalate || (q.Expect != ExpectNone && len(q.Relevant) == 0) {
		return s, false, nil
	}
	res, p, rs, err := b.candidates(ctx, bot.SearchRequest{Query: q.Q, Area: q.Area})
	if err != nil || res.Screening.Escalate {
		return s, false, err
	}
	s.f = b.features(p, rs)
	s.units = p.read.wordUnits()
	s.f[featureDomain] = b.abstain.domain(s.units)
	if q.Expect != ExpectNone {
		for _, r := range rs[:min(3, len(rs))] {
			if slices.Contains(q.Relevant, r.doc.ID) {
				s.answers = true
			}
		}
	}
	return s, true, nil
}

// WithAbstainModel is b answering with m to judge when to say "I don't
// know", for measuring a model fitted on other councils.
func (b *Base) WithAbstainModel(m *AbstainModel) Searcher {
	return searchFunc(func(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error) {
		return b.search(ctx, req, m)
	})
}

// Searcher answers questions; Evaluate needs nothing more.
type Searcher interface {
	Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error)
}

type searchFunc func(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error)

func (f searchFunc) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error) {
	return f(ctx, req)
}

// understand prepares a question screened as s, read for risk as read,
// for searching: identifying details are left out (they must not reach
// the index, and unknown names would count against confidence), risks add
// their vocabulary, and situations the signals found but the screening
// did not escalate add their topic's.
func (b *Base) understand(q string, s bot.Screening, read *reading) prepared {
	var p prepared
	if s.PersonalData {
		_, spans := b.screener.personal(q)
		p = b.prepare(redact(q, append(spans, b.strangeNames(q)...)))
	} else {
		p = b.prepare(q)
	}
	p.read = read
	b.addRisks(&p, s.Risks, true)
	if !s.Escalate {
		b.addRisks(&p, read.signalled, false)
	}
	if staffConduct(q) {
		b.addWords(&p, staffConductWords)
	}
	return p
}

// strangeNames are the spans of q that read as a person's full name with a
// word no document has ("Kayden Marsh-Wilcox", not "Early Help"): in a
// question that carries someone's details they are that someone, whose
// name says nothing about what is asked and must not reach the index.
func (b *Base) strangeNames(q string) [][2]int {
	var out [][2]int
	for _, sp := range b.screener.personNames(q) {
		for _, t := range b.an.terms(q[sp[0]:sp[1]]) {
			if b.df[t] == 0 {
				out = append(out, sp)
				break
			}
		}
	}
	return out
}

// addRisks widens p with the topic's words of each risk found in the
// question, and with its urgent words when urgent.
func (b *Base) addRisks(p *prepared, risks []string, urgent bool) {
	for _, r := range risks {
		v := riskVocabulary[r]
		words := v.topic
		if urgent {
			words += " " + v.urgent
		}
		b.addWords(p, words)
	}
}

// addWords widens p with the units of words it does not already have.
func (b *Base) addWords(p *prepared, words string) {
	for _, u := range b.prepare(words).units {
		if !slices.ContainsFunc(p.units, u.same) {
			p.units = append(p.units, u)
		}
	}
}

// allIn reports whether every document is of area or national.
func (b *Base) allIn(area string) bool {
	n := b.areas[bot.AreaNational]
	if a := strings.ToLower(area); a != bot.AreaNational {
		n += b.areas[a]
	}
	return n == b.n
}

// ranked is a candidate document after reranking.
type ranked struct {
	doc      *bot.Document
	bm25     float64 // bleve's score
	score    float64 // after area and intent
	coverage float64
	cov      coverageDetail
	matched  map[string]bool
}

// rank fetches up to n candidates for p from bleve and reranks them.
func (b *Base) rank(ctx context.Context, p prepared, req bot.SearchRequest, n int) ([]ranked, error) {
	should := b.clauses(p)
	if len(should) == 0 {
		return nil, nil
	}
	bq := query.NewBooleanQuery(nil, should, nil)
	var filters []query.Query
	// A filter that keeps every document (a one-council corpus) is left
	// out: bleve would walk its postings, every document's, in step with
	// the question's.
	if req.Area != "" && !b.allIn(req.Area) {
		local := query.NewTermQuery(strings.ToLower(req.Area))
		local.SetField(fieldArea)
		national := query.NewTermQuery(bot.AreaNational)
		national.SetField(fieldArea)
		filters = append(filters, query.NewDisjunctionQuery([]query.Query{local, national}))
	}
	if len(req.Kinds) > 0 {
		var kinds []query.Query
		for _, k := range req.Kinds {
			tq := query.NewTermQuery(k)
			tq.SetField(fieldKind)
			kinds = append(kinds, tq)
		}
		filters = append(filters, query.NewDisjunctionQuery(kinds))
	}
	switch len(filters) {
	case 1:
		bq.Filter = filters[0]
	case 2:
		bq.Filter = query.NewConjunctionQuery(filters)
	}
	sr := bleve.NewSearchRequestOptions(bq, n, 0, false)
	out, err := b.index.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	rs := make([]ranked, 0, len(out.Hits))
	for _, h := range out.Hits {
		d := b.byID[h.ID]
		if d == nil {
			continue
		}
		score := h.Score
		if req.Area != "" && strings.EqualFold(d.Area, bot.AreaNational) && !strings.EqualFold(req.Area, bot.AreaNational) {
			score *= nationalFactor
		}
		if f, ok := p.kinds[d.Kind]; ok {
			score *= f
		} else if d.Kind == bot.KindContact {
			// Short contact cards win on BM25's length normalisation; unless
			// someone to reach is asked for, the process comes first (the
			// contacts are shown as cards beside it).
			score *= contactUnasked
		}
		cov, matched := b.coverage(p, b.docs[h.ID])
		score = b.opts.Coverage.weigh(score, cov.share)
		rs = append(rs, ranked{doc: d, bm25: h.Score, score: score, coverage: cov.share, cov: cov, matched: matched})
	}
	b.demoteSuperseded(rs)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].score > rs[j].score })
	return rs, nil
}

// coverage is the share of what the question asks about that a document
// covers. Each unit weighs its rarity in the corpus (IDF), so a document
// matching "prevent" and "referral" but not "mileage" does not answer a
// question about mileage, and words the corpus never uses weigh the most;
// everyday English words weigh a fifth. A unit found only in the body, not in
// the title, summary, tags or contact details, earns bodyOnlyCredit: a
// passing mention ("Civic Centre" in an address) is not what a document is
// about. It also returns the question's terms the document has, for the
// snippet.
func (b *Base) coverage(p prepared, dt *docTerms) (coverageDetail, map[string]bool) {
	matched := map[string]bool{}
	credit := func(keys ...string) float64 {
		best := 0.0
		for _, k := range keys {
			switch dt.where(b, k) {
			case 2:
				return 1
			case 1:
				best = bodyOnlyCredit
			}
		}
		return best
	}
	var total, got, known, knownGot, strong float64
	var cd coverageDetail
	// A follow-up ("what about out of hours?") is judged with the
	// conversation it follows, which weighs less.
	units := p.units
	for _, u := range p.context {
		u.weight *= contextBoost
		units = append(units[:len(units):len(units)], u)
	}
	for _, u := range units {
		total += u.weight
		inCorpus := b.docFreq(u) > 0
		if inCorpus {
			known += u.weight
		}
		for _, t := range u.terms {
			if dt.where(b, t) > 0 {
				matched[t] = true
			}
		}
		var c float64
		if u.concept == "" {
			c = credit(u.terms[0])
		} else {
			c = credit(u.concept)
			if c < 1 && allMatched(u.terms, matched) {
				c = max(c, bodyOnlyCredit)
			}
			if c == 0 {
				c = relatedWeight * credit(b.lex.related[u.concept]...)
			}
		}
		got += c * u.weight
		if inCorpus {
			knownGot += c * u.weight
		}
		if c == 1 {
			strong += u.weight
		}
		if c > 0 {
			cd.rarest = max(cd.rarest, b.idf(b.docFreq(u)))
			if u.concept != "" {
				cd.concepts++
			}
		}
	}
	if total == 0 {
		return cd, matched
	}
	cd.share, cd.strong = got/total, strong/total
	if known > 0 {
		cd.known = knownGot / known
	}
	return cd, matched
}

// coverageDetail is how a document covers a question, for confidence.
type coverageDetail struct {
	share    float64 // coverage: the weighted share of units covered
	known    float64 // the same over units some document has
	strong   float64 // the weighted share covered in strong fields
	rarest   float64 // the highest IDF among the units covered
	concepts int     // concepts covered
}

func allMatched(terms []string, matched map[string]bool) bool {
	for _, t := range terms {
		if !matched[t] {
			return false
		}
	}
	return len(terms) > 0
}

// demoteSuperseded lowers each candidate that a newer candidate of the same
// kind and topic replaces, so the current version of a procedure comes
// first even when the old one, still in the corpus, matches more words.
func (b *Base) demoteSuperseded(rs []ranked) {
	now := b.opts.Clock.Now()
	for i := range rs {
		for j := range rs {
			if i == j || rs[i].doc.Kind != rs[j].doc.Kind {
				continue
			}
			if older(rs[i].doc, rs[j].doc, now) && sameTopic(b.docs[rs[i].doc.ID], b.docs[rs[j].doc.ID]) {
				rs[i].score = min(rs[i].score, rs[j].score*supersededFactor)
			}
		}
	}
}

// older reports whether a is an older version than c: past review while c
// is not, or reviewed earlier when both say when.
func older(a, c *bot.Document, now time.Time) bool {
	if a.Stale(now) != c.Stale(now) {
		return a.Stale(now)
	}
	return !a.Reviewed.IsZero() && !c.Reviewed.IsZero() && a.Reviewed.Before(c.Reviewed) && a.Stale(now)
}
