// Package web is Waymark's local web chat: one HTML page, one small vanilla
// JavaScript file and one CSS file, embedded in the binary, and a JSON API
// that passes a practitioner's message to a bot.Handler and renders the
// bot.Reply it returns, the same Reply the Slack and Teams adapters render.
//
// A Chat mounts four routes on a handlers.Server:
//
//	GET  /           the chat page
//	GET  /static/... the page's script and style sheet
//	POST /api/chat   one message in, one reply out (see Request and Reply)
//	GET  /api/inbox  the notes the desk left for the session (see Notifications)
//
// The desk reaches a web practitioner ("Dr Rees has your consultation
// request") through an Inbox, given to the chat with WithInbox: the page
// asks for its notes every 10 seconds while it is visible, and shows each
// as a notification.
//
// The page keeps a random session id in the browser's localStorage and sends
// it with every message; the session is the conversation and the user as far
// as the engine is concerned. Messages themselves are kept only on the page,
// never in the browser's storage.
//
// Like every handler, the chat never logs message text: each API request is
// logged with its request id and status only.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
)

//go:embed static
var staticFiles embed.FS

// contentTypes are the types of the embedded files, by extension. They are
// fixed here rather than taken from the system's MIME table, which differs
// between machines.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// contentSecurityPolicy allows the page its own script, style sheet and API
// and nothing else: no inline script, no other origin, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Chat is the web chat. It is safe for concurrent use.
type Chat struct {
	h       bot.Handler
	log     *slog.Logger
	inbox   Inbox          // nil: no notes for the page
	signin  *SignIn        // nil: anonymous, on loopback only
	console *ConsoleConfig // nil: no console

	counter   bot.Counter // nil: no per-address limit
	addrLimit bot.Limit
	now       func() time.Time
	proxies   []netip.Prefix   // trusted reverse proxies
	assets    map[string]asset // by file name, without the static/ prefix
}

// asset is one embedded file, read once.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// New returns a chat that answers with h and logs to log (nothing is logged
// when log is nil). It panics if h is nil, a wiring mistake.
func New(h bot.Handler, log *slog.Logger) *Chat {
	if h == nil {
		panic("web.New: nil bot.Handler")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Chat{h: h, log: log, assets: loadAssets()}
}

// WithSignIn makes the chat answer only people signed in by s, and
// mounts s's routes with the chat's; it returns c. Without it the chat is
// anonymous, which config allows on loopback only. Call it before serving.
func (c *Chat) WithSignIn(s *SignIn) *Chat {
	c.signin = s
	return c
}

// Routes are the chat's page, assets and API, and with sign-in its
// routes. Anonymous, every route answers only a request addressed to a
// loopback name; signed in, to the public URL's host or a loopback name: a
// page elsewhere that points its own domain name at this server (DNS
// rebinding) reaches nothing.
func (c *Chat) Routes() []handlers.Route {
	routes := []handlers.Route{
		{Pattern: "GET /{$}", Handler: c.page},
		{Pattern: "GET /static/{name}", Handler: c.static},
		{Pattern: "POST /api/chat", Handler: c.chat},
		{Pattern: "GET /api/inbox", Handler: c.notifications},
		{Pattern: "GET /api/session", Handler: c.sessionInfo},
	}
	if s := c.signin; s != nil {
		routes = append(routes,
			handlers.Route{Pattern: "GET /auth/login", Handler: s.asPage(s.login)},
			handlers.Route{Pattern: "GET " + CallbackPath, Handler: s.asPage(s.callback)},
			handlers.Route{Pattern: "GET " + LinkPath, Handler: s.asPage(s.showLink)},
			handlers.Route{Pattern: "POST " + LinkPath, Handler: s.asPage(s.useLink)},
			handlers.Route{Pattern: "POST /auth/logout", Handler: s.logout},
		)
		routes = append(routes, c.consoleRoutes()...)
	}
	for i := range routes {
		routes[i].Handler = c.hostOnly(routes[i].Handler)
	}
	return routes
}

// hostOnly refuses a request addressed to a host the chat does not answer.
func (c *Chat) hostOnly(h handlers.HandlerFunc) handlers.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if c.signin != nil {
			if !c.signin.allowedHost(r.Host) {
				return bot.Errorf(bot.EForbidden, "This web chat answers only at its own address.")
			}
			return h(w, r)
		}
		host := r.Host
		if !strings.Contains(host, ":") || strings.HasSuffix(host, "]") {
			host += ":80"
		}
		if !config.Loopback(host) {
			return bot.Errorf(bot.EForbidden, "This web chat answers only on this machine's own address (127.0.0.1 or localhost).")
		}
		return h(w, r)
	}
}

// page serves the chat page.
func (c *Chat) page(w http.ResponseWriter, r *http.Request) error {
	return c.serveAsset(w, r, "index.html")
}

// static serves one embedded file.
func (c *Chat) static(w http.ResponseWriter, r *http.Request) error {
	return c.serveAsset(w, r, r.PathValue("name"))
}

func (c *Chat) serveAsset(w http.ResponseWriter, r *http.Request, name string) error {
	a, ok := c.assets[name]
	if !ok {
		return bot.Errorf(bot.ENotFound, "There is no such file.")
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	// Revalidate every time, so a new version of Waymark serves its own
	// page and script at once; the ETag makes that a 304.
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if a.contentType == contentTypes[".html"] {
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
	return nil
}

// loadAssets reads the embedded files. They are part of the binary, so a
// failure is a build mistake and panics.
func loadAssets() map[string]asset {
	assets := map[string]asset{}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return nil
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		assets[path.Base(p)] = asset{
			body:        body,
			contentType: ct,
			etag:        `"` + hex.EncodeToString(sum[:8]) + `"`,
		}
		return nil
	})
	if err != nil {
		panic("web: read embedded files: " + err.Error())
	}
	return assets
}
