package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// One-time sign-in links: "/waymark web" in Slack or Teams asks the
// engine, which asks WebLink for a link bound to that person. Opening it
// shows a page with one button; pressing it (a POST, so that a chat
// platform fetching the link for a preview uses nothing) takes the link,
// once, before it expires, and signs the browser in as that person.

// LinkPath is a one-time link's path.
const LinkPath = "/auth/link"

// link is what is kept of a one-time link, under its secret.
type link struct {
	Platform string    `json:"platform"`
	TeamID   string    `json:"team,omitempty"`
	UserID   string    `json:"user"`
	Name     string    `json:"name"`
	Expires  time.Time `json:"expires"`
}

// WebLink returns a link that signs p in to the web chat once, within the
// configured link TTL. It returns EInvalid when links are off or p is not
// a chat platform's user, and EUnavailable when the store cannot be
// reached.
func (s *SignIn) WebLink(ctx context.Context, p bot.Person) (string, time.Duration, error) {
	if !s.web.Links {
		return "", 0, bot.Errorf(bot.EInvalid, "Sign-in links to the web chat are not turned on here.")
	}
	if p.UserID == "" || p.Platform == "" || p.Platform == bot.PlatformWeb {
		return "", 0, bot.Errorf(bot.EInvalid, "A sign-in link is for a Slack or Teams user.")
	}
	ttl := s.web.LinkTTL
	b, _ := json.Marshal(link{Platform: p.Platform, TeamID: p.TeamID, UserID: p.UserID, Name: p.Name, Expires: s.now().Add(ttl)})
	sec := secret()
	if err := s.tokens.PutToken(ctx, kindLink, sec, b, ttl); err != nil {
		return "", 0, fmt.Errorf("keep a sign-in link: %w", err)
	}
	u := s.public.JoinPath(LinkPath)
	u.RawQuery = "t=" + sec
	return u.String(), ttl, nil
}

// linkPage is the page a one-time link opens: one button, which posts the
// link's secret back.
var linkPage = template.Must(template.New("link").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Waymark</title><link rel="stylesheet" href="/static/chat.css"></head>
<body><main class="signin"><h1>Waymark</h1>
{{if .}}<p>This link signs you in to Waymark on the web as the person it was sent to. It works once.</p>
<form method="post" action="/auth/link"><input type="hidden" name="t" value="{{.}}"><button type="submit">Sign in</button></form>
{{else}}<p>This link has no sign-in code. Ask Waymark for a new one: send <strong>web</strong> to it in Slack or Teams.</p>{{end}}
</main></body></html>
`))

// linkCSP allows the link page its style sheet and a form posted to
// itself, and nothing else.
const linkCSP = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// showLink answers GET /auth/link?t=...: the page with the button. It
// takes nothing.
func (s *SignIn) showLink(w http.ResponseWriter, r *http.Request) error {
	if !s.web.Links {
		return bot.Errorf(bot.ENotFound, "Sign-in links are not turned on here.")
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", linkCSP)
	h.Set("X-Frame-Options", "DENY")
	t := r.URL.Query().Get("t")
	if len(t) < 16 || len(t) > 128 {
		t = ""
	}
	return linkPage.Execute(w, t)
}

// errLink is the error for a link that cannot sign anyone in.
var errLink = &bot.Error{Kind: bot.EUnauthorized, Message: "That sign-in link has expired or was already used. Send web to Waymark in Slack or Teams for a new one."}

// useLink answers POST /auth/link: takes the link, once, and signs the
// browser in as the person it was made for.
func (s *SignIn) useLink(w http.ResponseWriter, r *http.Request) error {
	if !s.web.Links {
		return bot.Errorf(bot.ENotFound, "Sign-in links are not turned on here.")
	}
	if err := crossOrigin.Check(r); err != nil {
		return &bot.Error{Kind: bot.EForbidden, Message: "A sign-in link works only from its own page.", Err: err}
	}
	t := r.PostFormValue("t")
	if len(t) < 16 || len(t) > 128 {
		return errLink
	}
	b, err := s.tokens.TakeToken(r.Context(), kindLink, t)
	if bot.ErrorKind(err) == bot.ENotFound {
		return errLink
	}
	if err != nil {
		return err
	}
	var l link
	if err := json.Unmarshal(b, &l); err != nil || !s.now().Before(l.Expires) {
		return errLink
	}
	if err := s.start(r.Context(), w, webUser(l.Platform+":"+l.TeamID, l.UserID), l.Name, l.Platform,
		&sessionPerson{Platform: l.Platform, Team: l.TeamID, User: l.UserID}); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// errorPage is the page a browser is shown when a sign-in step fails: the
// same words as the chat's errors, and a way back.
var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waymark: sign-in</title><link rel="stylesheet" href="/static/chat.css"></head>
<body><main class="signin"><h1>Waymark</h1><p role="alert">{{.}}</p><p><a href="/">Back to Waymark</a></p></main></body></html>
`))

// asPage runs a sign-in step a browser navigates to, and answers its
// error as a page rather than JSON; what is not safe to show is logged.
func (s *SignIn) asPage(h handlers.HandlerFunc) handlers.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil {
			return nil
		}
		status := handlers.StatusOf(err)
		if status >= 500 {
			s.log.ErrorContext(r.Context(), "web sign-in failed", "path", r.URL.Path, "status", status, "err", err)
		} else {
			s.log.InfoContext(r.Context(), "web sign-in refused", "path", r.URL.Path, "status", status, "err", err)
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", linkCSP)
		w.WriteHeader(status)
		return errorPage.Execute(w, bot.ErrorMessage(err))
	}
}
