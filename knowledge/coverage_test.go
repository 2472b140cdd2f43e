package knowledge_test

import (
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
)

// A document that has every part of the question outranks one that
// repeats its rarest word, once ranking weighs coverage; BM25 alone
// ranks them the other way round.
func TestCoverageOutranksRepetition(t *testing.T) {
	dir := t.TempDir()
	// One other document asks for consent too: rare enough that the
	// consent page covers the question, common enough that BM25 prefers
	// the page repeating "Channel panel".
	const shared = 1
	filler := "Practitioners record visits, plans and reviews in the case system. "
	writeFile(t, dir, "channel.md", "---\nid: channel-news\ntitle: Channel panel news\nkind: guidance\nsummary: Channel panel dates, Channel panel members\n---\n"+
		"The Channel panel met in May. The Channel panel meets monthly. Channel panel minutes are kept by the chair.\n")
	writeFile(t, dir, "consent.md", "---\nid: channel-consent\ntitle: Before a case goes to Channel\nkind: guidance\n---\n"+strings.Repeat(filler, 4)+
		"Before a case goes to Channel, the family is asked for consent; a parent can withdraw consent at any time.\n")
	for i, topic := range []string{"Home visits", "Case recording", "Supervision", "Family meetings", "Plans and reviews"} {
		body := strings.Repeat(filler, 2)
		if i < shared {
			body += "Ask the family for consent before sharing."
		}
		writeFile(t, dir, strings.ReplaceAll(topic, " ", "-")+".md", "---\nid: other-"+string(rune('a'+i))+"\ntitle: "+topic+"\nkind: guidance\n---\n"+body+"\n")
	}
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	top := func(cov knowledge.Coverage) string {
		t.Helper()
		kb, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}, MinConfidence: 1e-9, Coverage: &cov})
		if err != nil {
			t.Fatal(err)
		}
		defer kb.Close()
		got := ids(mustSearch(t, kb, bot.SearchRequest{Query: "does channel need consent from the family"}))
		if len(got) == 0 {
			t.Fatalf("coverage %v: no results", cov)
		}
		return got[0]
	}
	if got := top(knowledge.Coverage{}); got != "channel-news" {
		t.Fatalf("BM25 alone ranks %s first; the fixture needs channel-news first to show what coverage changes", got)
	}
	if got := top(knowledge.DefaultCoverage); got != "channel-consent" {
		t.Errorf("weighed by coverage, %s ranks first, want channel-consent (it has channel, consent and family)", got)
	}
}

var sharedN = 5
