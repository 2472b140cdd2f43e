package web

import (
	"cmp"
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// The console: the pages specialists, duty managers, safeguarding leads and
// corpus owners use beside chat. It is served with sign-in only (there is
// no console on the anonymous loopback chat: a page that claims and
// acknowledges needs to know who is at it), its pages are rendered on the
// server from the desk's stores, and every change is a form posted with
// the session's CSRF token, which calls the desk's own operation, the one
// chat's buttons and commands call: a claim from the page and one from
// Slack race as two Slack claims do, and exactly one wins.
//
//	GET  /console              what needs doing: counts, and links to the pages
//	GET  /console/queue        consultations by specialism, with age and claim deadline
//	GET  /console/escalations  prompts open and answered, level reached, time to acknowledge
//	GET  /console/gaps         knowledge gaps by theme, by week (leads and corpus owners)
//	GET  /console/gaps.csv     the same as CSV
//	GET  /console/health       documents past or near review, contacts without phone or email, broken links
//	GET  /console/status       the overview's counts as JSON, which the pages poll to notify
//	POST /console/claim        ref: claim it (a specialist of its specialism)
//	POST /console/handback     ref: hand it back to the queue (its claimant)
//	POST /console/close        ref, outcome: close it (its claimant)
//	POST /console/acknowledge  id: acknowledge an escalation (a person it prompts)

// ConsoleDesk is what the console asks of the desk. bot.Desk implements it.
type ConsoleDesk interface {
	Roles(ctx context.Context, p bot.Person) (bot.Roles, error)
	Claim(ctx context.Context, m bot.Message, ref string) (bot.Reply, error)
	Unclaim(ctx context.Context, m bot.Message, ref string) (bot.Reply, error)
	CloseConsultation(ctx context.Context, m bot.Message) (bot.Reply, error)
	Acknowledge(ctx context.Context, m bot.Message, id string) (bot.Reply, error)
}

// ConsoleConfig is what the console reads and acts through.
type ConsoleConfig struct {
	Desk  ConsoleDesk
	Board bot.Board
	// Gaps are the knowledge gaps the engine keeps; nil: none.
	Gaps bot.GapStore
	// Corpus is the corpus whose health the console shows; nil: none.
	Corpus Corpus
	// Usage counts questions and the documents answers show; nil: no
	// question charts, and no "never shown" on the health page.
	Usage bot.Usage
	// Now is the clock ages and deadlines are shown by; time.Now if nil.
	Now func() time.Time
	// Location is the time zone times are shown in; Europe/London if nil.
	Location *time.Location
}

// WithConsole serves the console with the chat and returns c; it needs
// sign-in (WithSignIn), and without it the console's routes are not
// mounted. Call it before serving.
func (c *Chat) WithConsole(cfg ConsoleConfig) *Chat {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location, _ = time.LoadLocation("Europe/London")
		cfg.Location = cmp.Or(cfg.Location, time.UTC)
	}
	c.console = &cfg
	return c
}

//go:embed console
var consoleFiles embed.FS

var consoleTemplates = template.Must(template.New("console").Funcs(template.FuncMap{
	"lower": strings.ToLower,
	// rows hands a list of documents to the "docs" table, with a link
	// column when note is set.
	"chart": func(title string, bars []weekBar) any {
		return struct {
			Title string
			Bars  []weekBar
		}{title, bars}
	},
	"rows": func(rows []docRow, note string) any {
		return struct {
			Rows []docRow
			Note string
		}{rows, note}
	},
}).ParseFS(consoleFiles, "console/*.html"))

// consoleCSP allows a console page its style sheet, its script and forms
// posted to itself, and nothing else.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// consoleRoutes are the console's routes, or none without sign-in.
func (c *Chat) consoleRoutes() []handlers.Route {
	if c.console == nil || c.signin == nil {
		return nil
	}
	return []handlers.Route{
		{Pattern: "GET /console", Handler: c.consolePage("overview")},
		{Pattern: "GET /console/queue", Handler: c.consolePage("queue")},
		{Pattern: "GET /console/escalations", Handler: c.consolePage("escalations")},
		{Pattern: "GET /console/gaps", Handler: c.consolePage("gaps")},
		{Pattern: "GET /console/health", Handler: c.consolePage("health")},
		{Pattern: "GET /console/gaps.csv", Handler: c.asConsolePage(c.gapsCSV)},
		{Pattern: "GET /console/status", Handler: c.consoleStatus},
		{Pattern: "POST /console/claim", Handler: c.consoleAction(actClaim)},
		{Pattern: "POST /console/handback", Handler: c.consoleAction(actHandBack)},
		{Pattern: "POST /console/close", Handler: c.consoleAction(actClose)},
		{Pattern: "POST /console/acknowledge", Handler: c.consoleAction(actAcknowledge)},
	}
}

// viewer is the signed-in person at a console page, and what they may do.
type viewer struct {
	sess  session
	who   bot.Person
	roles bot.Roles
}

// errNoRoles refuses the console to a signed-in person with no role in it.
var errNoRoles = &bot.Error{Kind: bot.EForbidden, Message: "The console is for specialists, duty managers, safeguarding leads and corpus owners. Ask your safeguarding lead if you should be one."}

// viewerOf returns the person at r, signed in and with a console role.
func (c *Chat) viewerOf(r *http.Request) (viewer, error) {
	sess, _, err := c.signin.current(r)
	if err != nil {
		return viewer{}, err
	}
	v := viewer{sess: sess, who: sess.person()}
	v.roles, err = c.console.Desk.Roles(r.Context(), v.who)
	if !v.roles.Any() {
		if err != nil {
			return viewer{}, fmt.Errorf("console roles: %w", err)
		}
		return viewer{}, errNoRoles
	}
	return v, nil
}

// consolePage serves the page named page.
func (c *Chat) consolePage(page string) handlers.HandlerFunc {
	return c.asConsolePage(func(w http.ResponseWriter, r *http.Request) error {
		v, err := c.viewerOf(r)
		if err != nil {
			return err
		}
		return c.renderConsole(w, r, v, page, http.StatusOK, notice(r.URL.Query()))
	})
}

// ConsoleStatus is the body of GET /console/status: the counts the
// overview shows, for the page's script to notice new work by.
type ConsoleStatus struct {
	Waiting         int `json:"waiting"`
	Overdue         int `json:"overdue"`
	Mine            int `json:"mine"`
	OpenEscalations int `json:"open_escalations"`
}

// consoleStatus answers GET /console/status.
func (c *Chat) consoleStatus(w http.ResponseWriter, r *http.Request) error {
	v, err := c.viewerOf(r)
	if err != nil {
		return err
	}
	d, err := c.consoleData(r.Context(), v, "overview")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(ConsoleStatus{Waiting: d.Waiting, Overdue: d.Overdue, Mine: d.Mine, OpenEscalations: d.OpenEscalations})
}

// renderConsole writes page for v with status and a notice (done or
// refused) at its top.
func (c *Chat) renderConsole(w http.ResponseWriter, r *http.Request, v viewer, page string, status int, note string) error {
	data, err := c.consoleData(r.Context(), v, page)
	if err != nil {
		return err
	}
	data.Notice = note
	data.Refused = status >= 400
	var b strings.Builder
	if err := consoleTemplates.ExecuteTemplate(&b, page+".html", data); err != nil {
		return fmt.Errorf("render the console's %s page: %w", page, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, err = w.Write([]byte(b.String()))
	return err
}

// asConsolePage answers a console page's error as a page: signed out, the
// way to sign in; refused, why.
func (c *Chat) asConsolePage(h handlers.HandlerFunc) handlers.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil {
			return nil
		}
		status := handlers.StatusOf(err)
		if status >= 500 {
			c.log.ErrorContext(r.Context(), "console page failed", "path", r.URL.Path, "status", status, "err", err)
		}
		hd := w.Header()
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Cache-Control", "no-store")
		hd.Set("Content-Security-Policy", consoleCSP)
		w.WriteHeader(status)
		login := ""
		if c.signin.web.OIDC.Enabled() {
			login = "/auth/login"
		}
		return consoleTemplates.ExecuteTemplate(w, "refused.html", struct {
			Message  string
			SignedIn bool
			Login    string
		}{bot.ErrorMessage(err), status != http.StatusUnauthorized, login})
	}
}

// Console actions.
const (
	actClaim       = "claim"
	actHandBack    = "handback"
	actClose       = "close"
	actAcknowledge = "acknowledge"
)

var (
	consoleRefRE = regexp.MustCompile(`^WM-\d{6,}$`)
	consoleEscRE = regexp.MustCompile(`^ESC-\d{6,}$`)
)

// consoleAction runs one change posted from a console page, as the desk
// runs it from chat, and goes back to the page it came from.
func (c *Chat) consoleAction(action string) handlers.HandlerFunc {
	return c.asConsolePage(func(w http.ResponseWriter, r *http.Request) error {
		if err := crossOrigin.Check(r); err != nil {
			return &bot.Error{Kind: bot.EForbidden, Message: "The console takes changes only from its own pages.", Err: err}
		}
		v, err := c.viewerOf(r)
		if err != nil {
			return err
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		got := r.PostFormValue("csrf")
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(v.sess.CSRF)) != 1 {
			return bot.Errorf(bot.EForbidden, "This change lacks the page's security token. Reload the page and try again.")
		}
		page, ref := "queue", r.PostFormValue("ref")
		m := bot.Message{Platform: v.who.Platform, TeamID: v.who.TeamID, UserID: v.who.UserID, UserName: v.who.Name, ID: newID()}
		switch action {
		case actAcknowledge:
			page, ref = "escalations", r.PostFormValue("id")
			if !consoleEscRE.MatchString(ref) {
				return bot.Errorf(bot.EInvalid, "That is not an escalation id (ESC-000001).")
			}
			_, err = c.console.Desk.Acknowledge(r.Context(), m, ref)
		case actClaim, actHandBack, actClose:
			if !consoleRefRE.MatchString(ref) {
				return bot.Errorf(bot.EInvalid, "That is not a consultation reference (WM-000001).")
			}
			switch action {
			case actClaim:
				_, err = c.console.Desk.Claim(r.Context(), m, ref)
			case actHandBack:
				_, err = c.console.Desk.Unclaim(r.Context(), m, ref)
			default:
				m.Text = ref + " " + strings.TrimSpace(r.PostFormValue("outcome"))
				_, err = c.console.Desk.CloseConsultation(r.Context(), m)
			}
		}
		c.log.InfoContext(r.Context(), "console", "action", action, "ref", ref, "request_id", m.ID, "ok", err == nil)
		if err != nil {
			status := handlers.StatusOf(err)
			if status >= 500 {
				return err
			}
			// Refused (already claimed, not yours): the page as it is now, saying why.
			return c.renderConsole(w, r, v, page, status, bot.ErrorMessage(err))
		}
		q := url.Values{"done": {action}, "ref": {ref}}
		http.Redirect(w, r, "/console/"+page+"?"+q.Encode(), http.StatusSeeOther)
		return nil
	})
}

// notice is what a page says after a change: from the redirect's done and
// ref, which the page writes in its own words (never text from the URL).
func notice(q url.Values) string {
	ref := q.Get("ref")
	if !consoleRefRE.MatchString(ref) && !consoleEscRE.MatchString(ref) {
		return ""
	}
	switch q.Get("done") {
	case actClaim:
		return "You have " + ref + ". The practitioner has been told, and you have the details in chat too."
	case actHandBack:
		return ref + " is back in the queue."
	case actClose:
		return "Closed " + ref + "; the practitioner has been told."
	case actAcknowledge:
		return "You have acknowledged " + ref + "; the practitioner has been told who has it."
	}
	return ""
}
