package teams_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzTeamsActivity posts any activity, from the recorded ones, to POST
// /api/messages with a valid Bot Framework token, over a real engine and
// Redis: the adapter answers with a status below 500 (or 503, which the
// Bot Framework retries) and never panics.
func FuzzTeamsActivity(f *testing.F) {
	h, store := mustEngine(f)
	th := newTeamsHarness(f, h, store)
	token := mustSign(f, th.key, th.claims())
	files, _ := filepath.Glob(filepath.Join("testdata", "activities", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var act map[string]any
		json.Unmarshal(b, &act)
		act["serviceUrl"] = th.conn.serviceURL()
		b, _ = json.Marshal(act)
		f.Add(b)
	}
	f.Add([]byte(`{"type":"message","text":null,"from":{},"conversation":{}}`))
	f.Add([]byte(`{"type":"invoke","name":"adaptiveCard/action","value":{"action":{"data":[]}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		code, resp := th.post(t, body, token)
		if code >= 500 && code != 503 {
			t.Errorf("answered %d %s", code, resp)
		}
		if strings.Contains(th.logs.String(), "panic") {
			t.Fatalf("a panic was logged:\n%s", th.logs.String())
		}
	})
}
