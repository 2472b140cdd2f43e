// Package handlers is Waymark's HTTP surface: health and readiness probes,
// body limits, and the one place where errors become HTTP responses. Chat
// platforms (handlers/slack, handlers/teams, handlers/web) mount their routes
// on the Server; they import bot, and bot imports none of them.
package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// MaxBodyBytes bounds every request body; platforms send far less.
const MaxBodyBytes = 1 << 20

// statusOf maps error kinds to HTTP statuses; anything else is a 500.
var statusOf = map[string]int{
	bot.EInvalid:      http.StatusBadRequest,
	bot.ENotFound:     http.StatusNotFound,
	bot.EUnauthorized: http.StatusUnauthorized,
	bot.EForbidden:    http.StatusForbidden,
	bot.EConflict:     http.StatusConflict,
	bot.EUnavailable:  http.StatusServiceUnavailable,
	bot.ETooMany:      http.StatusTooManyRequests,
}

// StatusOf returns the HTTP status for err.
func StatusOf(err error) int {
	if s, ok := statusOf[bot.ErrorKind(err)]; ok {
		return s
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// HandlerFunc is an HTTP handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Check reports whether a dependency is ready; nil means ready.
type Check func(ctx context.Context) error

// Server routes Waymark's HTTP requests.
type Server struct {
	mux    *http.ServeMux
	log    *slog.Logger
	mu     sync.Mutex // guards checks: serve adds some while serving
	checks map[string]Check
}

// NewServer returns a Server with /healthz and /readyz. checks are run by
// /readyz, each with a short timeout.
func NewServer(log *slog.Logger, checks map[string]Check) *Server {
	s := &Server{mux: http.NewServeMux(), log: log, checks: checks}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	s.Handle("GET /readyz", s.ready)
	return s
}

// Warning is what a readiness check returns for something a deployer must
// see that does not stop serving (a calendar running out): /readyz shows
// it and still answers 200.
type Warning string

func (w Warning) Error() string { return string(w) }

// AddCheck adds a readiness check, run by /readyz; it may be called while
// serving.
func (s *Server) AddCheck(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.checks == nil {
		s.checks = map[string]Check{}
	}
	s.checks[name] = c
}

// Handle mounts h at pattern (net/http's ServeMux syntax), with the body
// limit and error mapping.
func (s *Server) Handle(pattern string, h HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		if err := h(w, r); err != nil {
			s.Error(w, r, err)
		}
	})
}

// Mount mounts every route with Handle.
func (s *Server) Mount(routes ...Route) {
	for _, r := range routes {
		s.Handle(r.Pattern, r.Handler)
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Error writes err as a JSON response with its status. Internal errors are
// logged with the request's method and path, never its body, and shown as a
// generic message.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	msg := bot.ErrorMessage(err)
	switch {
	case status == http.StatusRequestEntityTooLarge:
		msg = "The request body is too large."
	case status >= 500:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	result := map[string]string{}
	status := http.StatusOK
	s.mu.Lock()
	checks := maps.Clone(s.checks)
	s.mu.Unlock()
	for name, check := range checks {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		err := check(ctx)
		cancel()
		var w Warning
		if errors.As(err, &w) {
			result[name] = "warning: " + string(w)
			continue
		}
		if err != nil {
			result[name] = bot.ErrorMessage(err)
			status = http.StatusServiceUnavailable
			continue
		}
		result[name] = "ok"
	}
	writeJSON(w, status, result)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
