// Command waymark is a safeguarding practitioners' assistant: it answers
// questions from a council's corpus of local processes, referral pathways and
// specialist contacts.
//
//	waymark validate --corpus DIR
//	waymark search --corpus DIR [--area AREA] [--limit N] [--json] [QUESTION]
//	waymark eval --corpus DIR --questions FILE
//	waymark version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// platforms are the chat platforms Waymark serves, one line each; the web
// chat is always there. A new platform is a folder under handlers/ and a
// line here.
var platforms = []handlers.Platform{
	slack.Platform,
	teams.Platform,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitError carries an exit status whose message was already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(stderr, "waymark:", err)
	return 1
}

// run is the whole program, with its surroundings passed in so tests can
// drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runWith(ctx, platforms, args, getenv, stdin, stdout, stderr)
}

// runWith is run serving these platforms (a test adds one).
func runWith(ctx context.Context, platforms []handlers.Platform, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := newRootCommand(platforms, getenv, stdin, stdout, stderr)
	cmd.SetArgs(args)
	return cmd.ExecuteContext(ctx)
}
