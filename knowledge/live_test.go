package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
)

func TestLiveReloadKeepsLastGoodIndex(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("lado.md", "---\nid: lado\ntitle: LADO\nkind: contact\nphone: \"01632 961 250\"\n---\nThe LADO handles allegations about staff.\n")
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	live := knowledge.NewLive(mustBaseOf(t, c))
	load := func() (*knowledge.Corpus, error) { return knowledge.LoadDir(dir) }

	write("mash.md", "---\nid: mash\ntitle: MASH front door\nkind: contact\nphone: \"01632 961 200\"\n---\nThe MASH takes contacts about children.\n")
	if _, err := live.Reload(load); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Document("mash"); err != nil {
		t.Errorf("after a good reload: %v", err)
	}

	write("broken.md", "---\ntitle: [unclosed\nkind: process\n---\n")
	_, err = live.Reload(load)
	var ce *knowledge.CorpusError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 {
		t.Fatalf("reload of a broken corpus: %v, want its problems", err)
	}
	if _, err := live.Document("mash"); err != nil {
		t.Errorf("the last good index must keep serving: %v", err)
	}
	res := mustSearch(t, live.Current(), bot.SearchRequest{Query: "front door number"})
	if len(res.Hits) == 0 || res.Hits[0].Document.ID != "mash" {
		t.Errorf("search after a failed reload: %v", ids(res))
	}
}
