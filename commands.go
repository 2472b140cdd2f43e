package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/metrics"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// app is what every command shares: its streams and, after
// PersistentPreRunE, the configuration.
type app struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	configFile     string
	cfg            *config.Config
	log            *slog.Logger
	platforms      []handlers.Platform
	// holidayWarning says the bank holiday list runs out soon; /readyz
	// shows it.
	holidayWarning string
	lastBuild      time.Duration // how long the last index took to build
	metrics        *metrics.Metrics
}

// newLogger builds the logger the configuration asks for. It writes to
// stderr and never receives message text, only ids and counts.
func newLogger(w io.Writer, c config.LogConfig) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// flagKeys binds command-line flags to configuration keys.
var flagKeys = map[string]string{
	"corpus":         "corpus.dir",
	"limit":          "search.limit",
	"min-confidence": "search.min_confidence",
	"log-level":      "log.level",
	"http-addr":      "http.addr",
}

func newRootCommand(platforms []handlers.Platform, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, platforms: platforms}
	sections := make([]config.Platform, len(platforms))
	for i, p := range platforms {
		sections[i] = p
	}
	root := &cobra.Command{
		Use:           "waymark",
		Short:         "A safeguarding practitioners' assistant for local processes, pathways and contacts",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Name() == "version" || cmd.Name() == "help" {
				return nil
			}
			cfg, err := config.Load(config.Sources{
				File:      a.configFile,
				Getenv:    a.getenv,
				Flags:     cmd.Flags(),
				FlagKeys:  flagKeys,
				Platforms: sections,
			})
			if err != nil {
				return err
			}
			a.cfg = cfg
			a.log = newLogger(a.stderr, cfg.Log)
			return nil
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&a.configFile, "config", "", "configuration file (default ./"+config.DefaultFile+" if it exists)")
	root.PersistentFlags().String("corpus", "", "corpus folder (default: the embedded Wyvern Vale sample corpus)")
	root.PersistentFlags().String("log-level", "info", "log level: debug, info, warn, error")
	root.AddCommand(a.serveCommand(), a.auditCommand(), a.exportCommand(), a.eraseCommand(), a.validateCommand(), a.searchCommand(), a.evalCommand(), a.teamsCommand(), a.healthcheckCommand(), versionCommand(stdout))
	return root
}

// loadCorpus loads the configured corpus, or the embedded sample. Problems
// go to stderr and come back as exit status 1.
func (a *app) loadCorpus() (*knowledge.Corpus, error) {
	var c *knowledge.Corpus
	var err error
	if a.cfg.Corpus.Dir == "" {
		c, err = knowledge.Load(sample.FS(), "sample")
	} else {
		c, err = knowledge.LoadDir(a.cfg.Corpus.Dir)
	}
	var ce *knowledge.CorpusError
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Fprintln(a.stderr, p)
		}
		fmt.Fprintf(a.stderr, "%d problem(s) in the corpus\n", len(ce.Problems))
		return nil, exitError{1}
	}
	return c, err
}

func (a *app) openBase() (*knowledge.Base, error) {
	c, err := a.loadCorpus()
	if err != nil {
		return nil, err
	}
	if len(c.Warnings) > 0 {
		a.log.Warn("corpus has warnings; run waymark validate to see them", "warnings", len(c.Warnings))
	}
	start := time.Now()
	kb, err := knowledge.New(c, knowledge.Options{
		Limit:         a.cfg.Search.Limit,
		MinConfidence: a.cfg.Search.MinConfidence,
		Progress:      a.progress(len(c.Docs)),
	})
	if err != nil {
		return nil, err
	}
	a.lastBuild = time.Since(start)
	a.log.Debug("index built", "documents", len(c.Docs), "lexicon_concepts", kb.LexiconSize(), "took", a.lastBuild)
	return kb, nil
}

// progressFrom is the smallest corpus whose indexing is reported as it
// goes: smaller ones take under a second.
const progressFrom = 2000

// progress reports indexing of a large corpus: a bar that redraws itself
// on a terminal, log lines (every tenth) elsewhere, such as a container's
// log; nil for a small corpus.
func (a *app) progress(total int) func(done, total int) {
	if total < progressFrom {
		return nil
	}
	if f, ok := a.stderr.(*os.File); ok && interactive(f) {
		return func(done, total int) {
			const width = 30
			n := width * done / total
			fmt.Fprintf(a.stderr, "\rindexing [%s%s] %d/%d documents", strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
			if done == total {
				fmt.Fprintln(a.stderr)
			}
		}
	}
	next := 0
	return func(done, total int) {
		if pct := 100 * done / total; pct >= next || done == total {
			a.log.Info("indexing", "documents", done, "of", total)
			next = pct/10*10 + 10
		}
	}
}

// interactive reports whether r is a terminal a person types into.
func interactive(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (a *app) validateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check a corpus and print every problem as path:line: problem",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.loadCorpus()
			if err != nil {
				return err
			}
			for _, w := range c.Warnings {
				fmt.Fprintf(a.stderr, "%s:%d: warning: %s\n", w.Path, w.Line, w.Message)
			}
			fmt.Fprintln(a.stdout, c.Summary(time.Now()))
			return nil
		},
	}
}

// jsonResult is one result of `waymark search --json`.
type jsonResult struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Kind      string  `json:"kind"`
	Area      string  `json:"area"`
	Score     float64 `json:"score"`
	Snippet   string  `json:"snippet"`
	Stale     bool    `json:"stale"`
	ReviewDue string  `json:"review_due,omitempty"`
	URL       string  `json:"url,omitempty"`
}

// jsonAnswer is one line of `waymark search --json`, as
// ../shared/spec/search-cli.md defines it.
type jsonAnswer struct {
	Query        string       `json:"query"`
	Area         string       `json:"area"`
	Results      []jsonResult `json:"results"`
	Escalate     bool         `json:"escalate"`
	PersonalData bool         `json:"personal_data"`
	Confidence   float64      `json:"confidence"` // of the best candidate, 0..1, even when results is empty
}

func (a *app) searchCommand() *cobra.Command {
	var area string
	var asJSON, explain bool
	cmd := &cobra.Command{
		Use:   "search [QUESTION]",
		Short: "Answer a question, or one question per line of standard input",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kb, err := a.openBase()
			if err != nil {
				return err
			}
			defer kb.Close()
			answer := func(q string) error {
				if explain {
					return kb.Explain(cmd.Context(), a.stdout, bot.SearchRequest{Query: q, Area: area})
				}
				res, err := kb.Search(cmd.Context(), bot.SearchRequest{Query: q, Area: area})
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSONAnswer(a.stdout, q, area, res)
				}
				writeTextAnswer(a.stdout, res)
				return nil
			}
			if len(args) == 1 {
				return answer(args[0])
			}
			prompt := func() {}
			if interactive(a.stdin) && !asJSON {
				fmt.Fprintln(a.stderr, "Ask a question about safeguarding processes, pathways or contacts (Ctrl-D to finish).")
				prompt = func() { fmt.Fprint(a.stderr, "> ") }
			}
			sc := bufio.NewScanner(a.stdin)
			sc.Buffer(make([]byte, 64*1024), 1<<20)
			for prompt(); sc.Scan(); prompt() {
				q := strings.TrimSpace(sc.Text())
				if q == "" {
					continue
				}
				if err := answer(q); err != nil {
					return err
				}
			}
			return sc.Err()
		},
	}
	cmd.Flags().StringVar(&area, "area", "", "prefer this area and national documents; never return other areas")
	cmd.Flags().Int("limit", knowledge.DefaultLimit, "at most this many results")
	cmd.Flags().Float64("min-confidence", knowledge.DefaultMinConfidence, "below this confidence (0..1), return no results")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per question")
	cmd.Flags().BoolVar(&explain, "explain", false, "show how the question is understood and why documents rank")
	return cmd
}

func writeJSONAnswer(w io.Writer, q, area string, res bot.SearchResult) error {
	out := jsonAnswer{Query: q, Area: area, Results: []jsonResult{}, Escalate: res.Screening.Escalate, PersonalData: res.Screening.PersonalData,
		Confidence: math.Round(res.Confidence*1000) / 1000}
	for _, h := range res.Hits {
		d := h.Document
		r := jsonResult{ID: d.ID, Title: d.Title, Kind: d.Kind, Area: d.Area, Score: h.Score, Snippet: h.Snippet, Stale: h.Stale, URL: d.URL}
		if !d.ReviewDue.IsZero() {
			r.ReviewDue = d.ReviewDue.Format(time.DateOnly)
		}
		out.Results = append(out.Results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeTextAnswer(w io.Writer, res bot.SearchResult) {
	if res.Screening.Escalate {
		fmt.Fprintf(w, "! This sounds like immediate risk (%s): if a child is in danger now, ring 999, then tell the duty manager.\n", strings.Join(res.Screening.Risks, ", "))
	}
	if res.Screening.PersonalData {
		fmt.Fprintf(w, "! Your question contains identifying details (%s). Please describe the child without name, date of birth, address or numbers.\n", strings.Join(res.Screening.PersonalKinds, ", "))
	}
	if len(res.Hits) == 0 {
		fmt.Fprintln(w, "I don't know: nothing in the corpus answers this with confidence. Try other words, or ask your duty manager.")
		fmt.Fprintln(w)
		return
	}
	for i, h := range res.Hits {
		d := h.Document
		fmt.Fprintf(w, "%d. %s (%s, %s) [%s]\n", i+1, d.Title, d.Kind, d.Area, d.ID)
		if h.Stale {
			fmt.Fprintf(w, "   ! Past its review date (%s): it may be out of date.\n", d.ReviewDue.Format(time.DateOnly))
		}
		if h.Snippet != "" {
			fmt.Fprintf(w, "   %s\n", h.Snippet)
		}
		if c := d.Contact; c != nil {
			fmt.Fprintf(w, "   %s\n", strings.Join(nonEmpty(c.Name, c.Role, c.Phone, c.Email, c.Hours), " · "))
		}
	}
	fmt.Fprintln(w)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func versionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			v := version
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						v += " (" + s.Value[:12] + ")"
					}
				}
			}
			fmt.Fprintln(stdout, "waymark", v)
		},
	}
}
