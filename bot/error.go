package bot

import (
	"errors"
	"fmt"
)

// Error kinds. Each maps to one HTTP status in handlers and to one way of
// telling a practitioner what went wrong.
const (
	EInvalid      = "invalid"      // the input is malformed or out of range
	ENotFound     = "not_found"    // the thing asked for does not exist
	EUnauthorized = "unauthorized" // the caller could not be authenticated
	EForbidden    = "forbidden"    // the caller may not do this
	EConflict     = "conflict"     // the request clashes with the current state
	EUnavailable  = "unavailable"  // a dependency (Redis, a platform API) is down
	EInternal     = "internal"     // anything else; logged, never shown
)

// Error is Waymark's one error type. Message is safe to show a user: it never
// carries message text from a conversation or anything identifying.
type Error struct {
	Kind    string
	Message string
	Err     error // the underlying cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted user-safe message.
func Errorf(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorKind(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, or a generic sentence for any other error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. The problem has been logged."
}
