package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/knowledge"
)

// runWaymark runs the program with args and no environment.
func runWaymark(tb testing.TB, stdin string, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func exitStatus(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestValidateSample(t *testing.T) {
	out, _, err := runWaymark(t, "", "validate")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "35 documents (") || !strings.Contains(out, "Wyvern Vale 32, national 3") {
		t.Errorf("summary = %q", out)
	}
}

func TestValidateBrokenCorpus(t *testing.T) {
	dir := filepath.Join("knowledge", "testdata", "broken")
	out, errOut, err := runWaymark(t, "", "validate", "--corpus", dir)
	if exitStatus(err) != 1 {
		t.Fatalf("exit status %d (%v), want 1", exitStatus(err), err)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	for _, want := range []string{
		filepath.Join(dir, "bad-yaml.md") + ":2: invalid YAML",
		filepath.Join(dir, "unknown-kind.md") + ":4: unknown kind",
		"7 problem(s) in the corpus",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestSearchJSON(t *testing.T) {
	out, _, err := runWaymark(t, "", "search", "--json", "--area", "Wyvern Vale", "--limit", "3", "who is the LADO")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Query   string `json:"query"`
		Area    string `json:"area"`
		Results []struct {
			ID, Title, Kind, Area, Snippet string
			Score                          float64
			Stale                          *bool
		} `json:"results"`
		Escalate     *bool `json:"escalate"`
		PersonalData *bool `json:"personal_data"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if a.Query != "who is the LADO" || a.Area != "Wyvern Vale" || a.Escalate == nil || a.PersonalData == nil {
		t.Errorf("answer = %+v", a)
	}
	if len(a.Results) == 0 || len(a.Results) > 3 || a.Results[0].ID != "wv-contact-lado" {
		t.Fatalf("results = %+v, want at most 3 with wv-contact-lado first", a.Results)
	}
	r := a.Results[0]
	if r.Title == "" || r.Kind != "contact" || r.Area != "Wyvern Vale" || r.Score <= 0 || r.Stale == nil {
		t.Errorf("result = %+v", r)
	}
}

func TestSearchStdinAnswersEachLine(t *testing.T) {
	in := "how do i make a prevent referral\n\nwhat are the bin collection days\nmy 15yo has a knife and says he will stab someone tonight\n"
	out, _, err := runWaymark(t, in, "search", "--json")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d answers, want 3 (blank lines skipped):\n%s", len(lines), out)
	}
	var answers []struct {
		Results  []json.RawMessage `json:"results"`
		Escalate bool              `json:"escalate"`
	}
	for _, l := range lines {
		var a struct {
			Results  []json.RawMessage `json:"results"`
			Escalate bool              `json:"escalate"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, a)
	}
	if len(answers[0].Results) == 0 || len(answers[1].Results) != 0 || !answers[2].Escalate {
		t.Errorf("answers = %s", out)
	}
	if answers[1].Results == nil {
		t.Error("an empty answer must be [] not null")
	}
}

func TestSearchText(t *testing.T) {
	out, _, err := runWaymark(t, "", "search", "where are the bin collection days")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "I don't know") {
		t.Errorf("out = %q", out)
	}
}

func TestEval(t *testing.T) {
	qs := filepath.Join(t.TempDir(), "q.jsonl")
	set := `{"q":"who is the LADO","area":"Wyvern Vale","relevant":["wv-contact-lado"],"expect":"answer"}
{"q":"bin collection days","area":"Wyvern Vale","relevant":[],"expect":"none"}
{"q":"she is flying to syria tonight to join isis","area":"Wyvern Vale","relevant":["wv-immediate-risk"],"expect":"escalate"}
{"q":"Maisie Okafor dob 02/02/2012 - prevent referral?","area":"Wyvern Vale","relevant":[],"expect":"personal_data"}
`
	if err := os.WriteFile(qs, []byte(set), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runWaymark(t, "", "eval", "--questions", qs, "--min-hit3", "1", "--min-none-empty", "1",
		"--min-escalate-recall", "1", "--max-escalate-fp", "0", "--min-personal-recall", "1", "--max-personal-fp", "0")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"hit@3          1.000", "none-empty     1/1", "escalate       recall 1/1, false positives 0", "personal_data  recall 1/1"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// An impossible bar fails with status 1 and says why.
	if err := os.WriteFile(qs, []byte(`{"q":"bin collection days","relevant":["wv-contact-lado"],"expect":"answer"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := runWaymark(t, "", "eval", "--questions", qs, "--min-hit3", "0.9")
	if exitStatus(err) != 1 || !strings.Contains(errOut, "hit@3 0.000 is below 0.900") {
		t.Errorf("status %d, stderr %q", exitStatus(err), errOut)
	}
}

// eval --risk-cv judges each group with a model fitted on the others and
// writes the model fitted on all of them, which serve can read back.
func TestEvalRiskCV(t *testing.T) {
	dir := t.TempDir()
	for name, lines := range map[string]string{
		"p1": `{"q":"she is flying out tonight to join the fighters, do not tell mum","escalate":true,"situation":"travel","form":"risk"}
{"q":"a novel about fighters who fly out to join a war","escalate":false,"situation":"travel","form":"fiction"}
`,
		"p2": `{"q":"he is flying tonight to join them, his bag is packed","escalate":true,"situation":"travel","form":"risk"}
{"q":"a film about a war and people who join the fighters","escalate":false,"situation":"travel","form":"fiction"}
`,
	} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "part-a.jsonl"), []byte(lines), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	model := filepath.Join(dir, "risk.json")
	out, _, err := runWaymark(t, "", "eval", "--risk-cv", "--train", filepath.Join(dir, "p1"), "--train", filepath.Join(dir, "p2"), "--fit-risk", model)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"p1 ", "p2 ", "all ", "risk model fitted on 2 groups"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	m, err := knowledge.ParseRiskModel(data)
	if err != nil || len(m.FittedOn) != 2 {
		t.Errorf("written model: %v, %+v", err, m)
	}
	if _, _, err := runWaymark(t, "", "eval", "--risk-cv", "--train", filepath.Join(dir, "p1")); err == nil || !strings.Contains(err.Error(), "two or more") {
		t.Errorf("one group: %v", err)
	}
}

func TestEvalBadQuestionSet(t *testing.T) {
	qs := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(qs, []byte("{\"q\":\"x\",\"expect\":\"maybe\"}\nnot json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runWaymark(t, "", "eval", "--questions", qs)
	if err == nil || !strings.Contains(err.Error(), "line 1: expect \"maybe\"") || !strings.Contains(err.Error(), "line 2:") {
		t.Errorf("error = %v", err)
	}
}

func TestBadConfigIsReported(t *testing.T) {
	_, _, err := runWaymark(t, "", "search", "--limit", "0", "--log-level", "loud", "x")
	if err == nil || !strings.Contains(err.Error(), "search.limit") || !strings.Contains(err.Error(), "log.level") {
		t.Errorf("error = %v, want both problems", err)
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runWaymark(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "waymark ") {
		t.Errorf("out = %q, err = %v", out, err)
	}
}

// TestServeWithNoConfig runs README's first command as a test: no config
// file, no flags, and no environment but the listening address, which is
// port 0 so the test passes while `go run . serve` holds 127.0.0.1:8080
// (config's tests check that 127.0.0.1:8080 is the default). It must answer
// with the web chat over the embedded sample corpus and embedded Redis.
func TestServeWithNoConfig(t *testing.T) {
	t.Chdir(t.TempDir()) // no waymark.yaml
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	done := make(chan error, 1)
	getenv := func(k string) string {
		if k == "WAYMARK_HTTP_ADDR" || k == "WAYMARK_HTTP_ADMIN_ADDR" {
			return "127.0.0.1:0"
		}
		return ""
	}
	go func() {
		done <- run(ctx, []string{"serve"}, getenv, strings.NewReader(""), &out, &errOut)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v; stderr:\n%s", err, errOut.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop after its context was cancelled")
		}
	}()

	answering := regexp.MustCompile(`Waymark is answering on (http://127\.0\.0\.1:\d+) `)
	var base string
	deadline := time.Now().Add(20 * time.Second)
	for base == "" {
		if m := answering.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\nstderr:\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never said where it answers; stdout %q, stderr:\n%s", out.String(), errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %s", resp.Status)
	}
	if !strings.Contains(errOut.String(), "embedded, in-memory Redis") {
		t.Errorf("no warning that state is not kept; stderr:\n%s", errOut.String())
	}

	ask := func(text string) map[string]any {
		body := `{"session":"test-session-1","text":` + strconv.Quote(text) + `}`
		resp, err := http.Post(base+"/api/chat", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var reply map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, decode %v", resp.StatusCode, err)
		}
		return reply
	}
	reply := ask("what are the warning signs of radicalisation")
	answers, _ := reply["answers"].([]any)
	if len(answers) == 0 || answers[0].(map[string]any)["doc_id"] != "wv-guidance-indicators" {
		t.Errorf("answers = %v", reply["answers"])
	}
	// The follow-up is understood from state kept in the embedded Redis
	// (without it, online-harms training would come first).
	reply = ask("and what about online?")
	answers, _ = reply["answers"].([]any)
	if len(answers) == 0 || answers[0].(map[string]any)["doc_id"] != "wv-guidance-indicators" {
		t.Errorf("follow-up answers = %v", reply["answers"])
	}
	if strings.Contains(errOut.String(), "warning signs") {
		t.Error("the log contains question text")
	}
}

// lockedBuffer is a bytes.Buffer safe for the server goroutine to write
// while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
