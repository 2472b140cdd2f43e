package knowledge_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
)

func ids(res bot.SearchResult) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Document.ID)
	}
	return out
}

func mustSearch(tb testing.TB, kb *knowledge.Base, req bot.SearchRequest) bot.SearchResult {
	tb.Helper()
	res, err := kb.Search(context.Background(), req)
	if err != nil {
		tb.Fatalf("Search(%q): %v", req.Query, err)
	}
	return res
}

// TestSearchSample checks that practitioners' questions, in their words,
// find the sample corpus's documents in the top three.
func TestSearchSample(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range []struct {
		q    string
		want string // must be in the top 3
		why  string
	}{
		{"how do i make a prevent referral", "wv-prevent-referral", "plain wording"},
		{"front door phone number", "wv-contact-mash", "front door is the MASH (built-in lexicon)"},
		{"multi-agency safeguarding hub contact", "wv-contact-mash", "long form finds the acronym-only document"},
		{"emergency duty team number", "wv-contact-edt", "contact intent"},
		{"who is the LADO", "wv-contact-lado", "acronym"},
		{"local authority designated officer", "wv-contact-lado", "long form of LADO"},
		{"prevent worry at the weekend who do i ring", "wv-prevent-out-of-hours", "weekend means out of hours"},
		{"bank hol monday prevent concern", "wv-prevent-out-of-hours", "chat abbreviation"},
		{"trainng on prevent", "wv-training-prevent", "typo corrected"},
		{"pyschologist for an autistic lad", "wv-contact-psychologist-rees", "transposition corrected"},
		{"where do i record prevent stuff on the case management system", "wv-recording-valecare", "corpus synonym"},
		{"does radicalisation meet s47", "wv-guidance-thresholds", "section 47 acronym"},
		{"warning signs of radicalisation", "wv-guidance-indicators", "guidance"},
		{"example of a kid groomed on a gaming server", "wv-practice-gaming-server", "practice example cue"},
		{"can i talk a case through with a psych", "wv-book-psychology", "booking"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			res := mustSearch(t, kb, bot.SearchRequest{Query: tc.q, Area: "Wyvern Vale"})
			got := ids(res)
			if !slices.Contains(got[:min(3, len(got))], tc.want) {
				t.Errorf("%s: top 3 = %v, want %s (confidence %.2f)", tc.why, got, tc.want, res.Confidence)
			}
		})
	}
}

// TestSearchNone checks that questions the corpus does not answer get no
// results rather than a weak guess.
func TestSearchNone(t *testing.T) {
	kb := mustSample(t)
	for _, q := range []string{
		"how do i claim overtime pay",
		"where is the staff canteen menu",
		"printer on the third floor is jammed",
		"what are the bin collection days",
	} {
		t.Run(q, func(t *testing.T) {
			res := mustSearch(t, kb, bot.SearchRequest{Query: q, Area: "Wyvern Vale"})
			if len(res.Hits) != 0 {
				t.Errorf("hits = %v (confidence %.2f), want none", ids(res), res.Confidence)
			}
			if res.Confidence >= knowledge.DefaultMinConfidence {
				t.Errorf("confidence %.2f is not below the threshold", res.Confidence)
			}
		})
	}
}

// TestSearchOtherCouncil checks that a question about a council the
// corpus never names is not answered from this council's documents,
// however well its other words match, while the same question about the
// corpus's own council, with an English word before "council", or with a
// typing error in one, is answered.
func TestSearchOtherCouncil(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range []struct {
		q      string
		answer bool
	}{
		// Wyvern Vale's LADO is not Ravensmoor's.
		{"who is the LADO at Ravensmoor council", false},
		{"how do I make a Prevent referral to Ravensmoor council", false},
		{"how do i contact the Kelderby borough out of hours emergency duty team", false},
		{"who is the LADO at Wyvern Vale council", true},
		{"how do I make a Prevent referral to the councl", true},
		{"how do i contact the council out of hours emergency duty team", true},
		// "parish" is an English word, not a council's name.
		{"how do I contact the parish council about a Prevent referral", true},
	} {
		res := mustSearch(t, kb, bot.SearchRequest{Query: tc.q, Area: "Wyvern Vale"})
		if got := len(res.Hits) > 0; got != tc.answer {
			t.Errorf("%q: answered %v (hits %v, confidence %.2f), want %v", tc.q, got, ids(res), res.Confidence, tc.answer)
		}
	}
	res := mustSearch(t, kb, bot.SearchRequest{Query: "who is the LADO at Ravensmoor council", Area: "Wyvern Vale"})
	if len(res.Suggestions) == 0 {
		t.Error("no contacts suggested: the practitioner should still get their own front door")
	}
}

// TestSearchStaffConductFindsTheLADO checks that a concern about what
// someone who works with children did reaches the LADO, though the
// question names neither an allegation nor the LADO.
func TestSearchStaffConductFindsTheLADO(t *testing.T) {
	kb := mustSample(t)
	for _, q := range []string{
		"our football coach keeps sharing racist stuff in the team chat",
		"a teacher has been posting far right memes on his instagram, who do i tell",
	} {
		res := mustSearch(t, kb, bot.SearchRequest{Query: q, Area: "Wyvern Vale"})
		if got := ids(res); len(got) == 0 || got[0] != "wv-contact-lado" {
			t.Errorf("%q: hits %v (confidence %.2f), want wv-contact-lado first", q, got, res.Confidence)
		}
	}
}

func TestSearchEscalateAlwaysAnswers(t *testing.T) {
	kb := mustSample(t)
	res := mustSearch(t, kb, bot.SearchRequest{Query: "he has a machete in his bag and says he will stab them tomorrow", Area: "Wyvern Vale"})
	if !res.Screening.Escalate {
		t.Fatalf("screening = %+v, want escalate", res.Screening)
	}
	if got := ids(res); len(got) == 0 || !slices.Contains(got[:min(3, len(got))], "wv-immediate-risk") {
		t.Errorf("hits = %v, want the immediate-risk procedure in the top 3", got)
	}
}

func TestSearchAreas(t *testing.T) {
	c, err := knowledge.LoadDir(filepath.Join("testdata", "areas"))
	if err != nil {
		t.Fatal(err)
	}
	kb := mustBaseOf(t, c)
	q := "how do i make a prevent referral"

	east := ids(mustSearch(t, kb, bot.SearchRequest{Query: q, Area: "Eastfold"}))
	if len(east) == 0 || east[0] != "ef-referral" {
		t.Errorf("Eastfold: %v, want ef-referral first", east)
	}
	if slices.Contains(east, "ww-referral") {
		t.Errorf("Eastfold search returned Westfold's document: %v", east)
	}
	west := ids(mustSearch(t, kb, bot.SearchRequest{Query: q, Area: "westfold"}))
	if len(west) == 0 || west[0] != "ww-referral" || slices.Contains(west, "ef-referral") {
		t.Errorf("Westfold (area matched case-insensitively): %v", west)
	}
	all := ids(mustSearch(t, kb, bot.SearchRequest{Query: q}))
	if !slices.Contains(all, "ef-referral") || !slices.Contains(all, "ww-referral") {
		t.Errorf("no area: %v, want both councils", all)
	}
	duty := ids(mustSearch(t, kb, bot.SearchRequest{Query: "what is the prevent duty for councils", Area: "Eastfold"}))
	if len(duty) == 0 || duty[0] != "nat-duty" {
		t.Errorf("national documents are offered with an area: %v", duty)
	}
}

func TestSearchCorpusSynonymsAndStale(t *testing.T) {
	c, err := knowledge.LoadDir(filepath.Join("testdata", "areas"))
	if err != nil {
		t.Fatal(err)
	}
	kb := mustBaseOf(t, c)
	// corpus.yaml says Lighthouse is the exploitation team; the built-in
	// lexicon says CCE is child criminal exploitation.
	res := mustSearch(t, kb, bot.SearchRequest{Query: "exploitation team number for CCE", Area: "Eastfold"})
	if got := ids(res); len(got) == 0 || got[0] != "ef-lighthouse" {
		t.Errorf("hits = %v, want ef-lighthouse first", got)
	}
	res = mustSearch(t, kb, bot.SearchRequest{Query: "prevent referral", Area: "Eastfold"})
	for _, h := range res.Hits {
		wantStale := h.Document.ID == "ef-referral" // review_due 2026-01-01
		if h.Stale != wantStale {
			t.Errorf("%s: Stale = %v, want %v", h.Document.ID, h.Stale, wantStale)
		}
	}
}

func TestSearchSnippetAndLimit(t *testing.T) {
	kb := mustSample(t)
	res := mustSearch(t, kb, bot.SearchRequest{Query: "prevent referral form", Area: "Wyvern Vale", Limit: 2})
	if len(res.Hits) != 2 {
		t.Fatalf("got %d hits, want the limit of 2", len(res.Hits))
	}
	for _, h := range res.Hits {
		if !strings.Contains(h.Snippet, "**") || len([]rune(h.Snippet)) > 260 {
			t.Errorf("%s snippet %q: want matched words in bold and at most ~240 characters", h.Document.ID, h.Snippet)
		}
		if strings.ContainsAny(h.Snippet, "#|") {
			t.Errorf("%s snippet %q keeps Markdown syntax", h.Document.ID, h.Snippet)
		}
	}
	if res.Hits[0].Score < res.Hits[1].Score {
		t.Errorf("scores not descending: %v, %v", res.Hits[0].Score, res.Hits[1].Score)
	}
}

func TestSearchFollowUpContext(t *testing.T) {
	kb := mustSample(t)
	rank := func(got []string, id string) int {
		if i := slices.Index(got, id); i >= 0 {
			return i + 1
		}
		return 99
	}
	follow := bot.SearchRequest{Query: "what about out of hours?", Context: "how do i make a prevent referral", Area: "Wyvern Vale"}
	with := ids(mustSearch(t, kb, follow))
	follow.Context = ""
	without := ids(mustSearch(t, kb, follow))

	ooh, office := rank(with, "wv-prevent-out-of-hours"), rank(with, "wv-prevent-referral")
	if ooh > 2 {
		t.Errorf("with context %v: the out-of-hours Prevent process should be in the top 2", with)
	}
	if ooh > office {
		t.Errorf("with context %v: the question (out of hours) should outweigh the context (office-hours referral)", with)
	}
	if rank(without, "wv-prevent-out-of-hours") < ooh {
		t.Errorf("context made the follow-up worse: without %v, with %v", without, with)
	}
}

func TestSearchEmptyQuery(t *testing.T) {
	kb := mustSample(t)
	_, err := kb.Search(context.Background(), bot.SearchRequest{Query: "   "})
	if bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("error = %v, want kind %s", err, bot.EInvalid)
	}
}

func TestBuiltinLexicon(t *testing.T) {
	lx, err := knowledge.BuiltinLexicon()
	if err != nil {
		t.Fatal(err)
	}
	if len(lx.Synonyms) < 120 {
		t.Errorf("built-in lexicon has %d synonym groups, want at least 120", len(lx.Synonyms))
	}
	kb := mustSample(t)
	if kb.LexiconSize() < 120 {
		t.Errorf("compiled lexicon has %d concepts", kb.LexiconSize())
	}
	// Every entry the issue names must be known, as an expression that
	// analyses to a concept.
	have := map[string]bool{}
	for _, g := range lx.Synonyms {
		for _, e := range g {
			have[strings.ToLower(e)] = true
		}
	}
	for _, want := range []string{"mash", "front door", "cse", "cce", "county lines", "lado", "dsl", "edt",
		"out of hours", "cin", "cp", "s47", "section 47", "s17", "eha", "early help", "camhs", "yot", "yjs",
		"erwt", "far right", "xrw", "channel", "prevent", "plo", "icpc", "strategy discussion", "contextual safeguarding"} {
		if !have[want] {
			t.Errorf("lexicon lacks %q", want)
		}
	}
}

func TestSearchKindsAndSuggestions(t *testing.T) {
	kb := mustSample(t)
	res := mustSearch(t, kb, bot.SearchRequest{Query: "prevent referral", Area: "Wyvern Vale", Kinds: []string{bot.KindContact}})
	if len(res.Hits) == 0 {
		t.Fatal("no contacts for a Prevent referral")
	}
	for _, h := range res.Hits {
		if h.Document.Kind != bot.KindContact {
			t.Errorf("%s is a %s, want contacts only", h.Document.ID, h.Document.Kind)
		}
	}
	// No answer, but someone to ask.
	res = mustSearch(t, kb, bot.SearchRequest{Query: "duty rota for the printer on the third floor", Area: "Wyvern Vale"})
	if len(res.Hits) != 0 {
		t.Fatalf("hits = %v, want none", ids(res))
	}
	if len(res.Suggestions) == 0 || res.Suggestions[0].Document.Kind != bot.KindContact {
		t.Errorf("suggestions = %+v, want contacts", res.Suggestions)
	}
}

// TestSearchLeavesOutIdentifyingDetails: names, dates of birth and addresses
// are not searched for, so they neither leak into the query nor make an
// answerable question look unanswerable.
func TestSearchLeavesOutIdentifyingDetails(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range []struct{ named, plain string }{
		{"Kieran Dobbs DOB 04/05/2012 of 14 Alder Road has been sharing far right videos, do I refer to prevent?",
			"has been sharing far right videos, do I refer to prevent?"},
		// A name beside an address, not a date: still someone's, and its
		// words (one hyphenated) are no document's.
		{"Reuben Okonkwo-Hale, 13, of 7 Ferris Close has been sharing far right videos, do I refer to prevent?",
			"13 has been sharing far right videos, do I refer to prevent?"},
	} {
		plain := mustSearch(t, kb, bot.SearchRequest{Query: tc.plain, Area: "Wyvern Vale"})
		named := mustSearch(t, kb, bot.SearchRequest{Query: tc.named, Area: "Wyvern Vale"})
		if !named.Screening.PersonalData {
			t.Errorf("%q: personal data not detected", tc.named)
		}
		if len(named.Hits) == 0 || !slices.Equal(ids(named), ids(plain)) {
			t.Errorf("%q: with identifying details %v, without %v: want the same answer", tc.named, ids(named), ids(plain))
		}
		var why strings.Builder
		if err := kb.Explain(context.Background(), &why, bot.SearchRequest{Query: tc.named, Area: "Wyvern Vale"}); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"kieran", "dobb", "reuben", "okonkwo", "hale", "alder", "ferri"} {
			if strings.Contains(strings.ToLower(why.String()), w) {
				t.Errorf("%q: %q reached the search:\n%s", tc.named, w, why.String())
			}
		}
	}
}

// TestSearchTitleOutranksBody: the same words rank a document higher in its
// title than deep in another's body, and a procedure past review ranks
// below its current replacement even when the old one matches more words.
func TestSearchTitleOutranksBodyAndCurrentOutranksSuperseded(t *testing.T) {
	dir := t.TempDir()
	filler := strings.Repeat("Practitioners record visits, plans and reviews in the case system. ", 3)
	writeFile(t, dir, "title.md", "---\nid: in-title\ntitle: Elective home education\nkind: guidance\n---\n"+filler+"\n")
	writeFile(t, dir, "body.md", "---\nid: in-body\ntitle: School attendance\nkind: guidance\n---\n"+filler+" Some children receive elective home education.\n")
	writeFile(t, dir, "old.md", "---\nid: referral-2021\ntitle: Making a Prevent referral with the referral form\nkind: process\nreviewed: 2021-03-01\nreview_due: 2022-03-01\n---\n"+
		"Make a Prevent referral with the PR1 form to the Prevent inbox; the Prevent referral form goes to the Prevent team.\n")
	writeFile(t, dir, "new.md", "---\nid: referral\ntitle: Making a Prevent referral\nkind: process\nreviewed: 2026-03-01\nreview_due: 2027-03-01\n---\n"+
		"Use the national form and send it to the police. "+filler+"\n")
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}, MinConfidence: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if got := ids(mustSearch(t, kb, bot.SearchRequest{Query: "elective home education"})); len(got) == 0 || got[0] != "in-title" {
		t.Errorf("elective home education: %v, want in-title first", got)
	}
	if got := ids(mustSearch(t, kb, bot.SearchRequest{Query: "prevent referral form"})); len(got) < 2 || got[0] != "referral" {
		t.Errorf("prevent referral form: %v, want the current referral first", got)
	}
}

// A snippet shows the passage that answers: not the title again, and for
// a question asking how, the process's steps from the first.
func TestSnippetShowsTheStepsNotTheTitle(t *testing.T) {
	kb := mustSample(t)
	res, err := kb.Search(context.Background(), bot.SearchRequest{Query: "how do I make a prevent referral"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].Document.ID != "wv-prevent-referral" {
		t.Fatalf("hits = %+v, %v", res.Hits, err)
	}
	s := res.Hits[0].Snippet
	if strings.Contains(strings.ToLower(s), "in office hours") || !strings.Contains(s, "Tell your team manager the same day") || !strings.Contains(s, "01632 961 210") {
		t.Errorf("snippet %q, want the first steps with the duty manager's number", s)
	}
}
